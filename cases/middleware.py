from django.utils import translation


class StaffLanguageMiddleware:
    """Speak the language a staff user chose for themselves (after LocaleMiddleware's guess)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "staff_profile", None)
            if profile is not None:
                translation.activate(profile.language)
                request.LANGUAGE_CODE = profile.language
        return self.get_response(request)
