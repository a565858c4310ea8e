from django.utils import translation

SESSION_KEY = "staff_language"
SHORTCUTS_KEY = "staff_shortcuts"


class StaffLanguageMiddleware:
    """Speak the language a staff user chose for themselves (after LocaleMiddleware's guess),
    and tell the pages whether their single-key shortcuts are on (`request.staff_shortcuts`).

    The choices are read from the profile once per session, then from the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = request.session.get(SESSION_KEY)
            if language is None or SHORTCUTS_KEY not in request.session:
                profile = getattr(user, "staff_profile", None)
                language = profile.language if profile is not None else ""
                request.session[SESSION_KEY] = language
                request.session[SHORTCUTS_KEY] = profile.shortcuts if profile is not None else True
            request.staff_shortcuts = request.session[SHORTCUTS_KEY]
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
