"""Who may open a staff page: one decorator for the workspace, the review queue and the dashboard.

Anonymous visitors are sent to log in (an htmx request sends the whole page there, not the
login form into a panel); a logged-in user without the permission is refused (403). The
user's permissions are kept in the session while no grant changes (`session_permissions`).
"""

from functools import wraps
from urllib.parse import quote
from uuid import uuid4

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from cases.roles import SUPERVISOR_PERMISSION


def permission_required_page(perm: str):
    """A page for logged-in users who have `perm` (superusers have every permission)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if request.htmx:
                    # Not the login page swapped into a panel: the whole page goes to log in.
                    path = quote(request.htmx.current_url_abs_path or "/")
                    return HttpResponseClientRedirect(f"{reverse('login')}?next={path}")
                return redirect_to_login(request.get_full_path())
            if request.user.is_active:
                session_permissions(request)
            if not request.user.has_perm(perm):  # False for inactive users
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# The permissions a staff user had when the session last read them, and the generation of all
# grants they were read under: [generation, user id, sorted "app_label.codename" strings].
PERMISSIONS_KEY = "staff_permissions"
GENERATION_KEY = "permissions-generation"


def permissions_generation() -> str:
    """A token that changes whenever any grant changes (`permissions_changed`), kept in the
    shared cache. A cache that lost it makes a new one: every session reads its grants again."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def permissions_changed(**kwargs) -> None:
    """A group's permissions, a user's groups or direct grants changed (signals, cases.apps):
    every session reads its user's permissions again on its next staff page."""
    cache.set(GENERATION_KEY, uuid4().hex, timeout=None)


def session_permissions(request) -> None:
    """Hand `ModelBackend` the user's permissions from the session, or read and keep them.

    The backend reads a user's permissions (their own and their groups') once per request
    into `user._perm_cache`: two statements and about 2 ms on every staff page. While the
    grants' generation is the one they were read under, the session's copy is that cache.
    `is_active` and `is_superuser` come from the user row, read on every request as before:
    deactivating someone applies at once, a changed grant on their next page.
    """
    user = request.user
    generation = permissions_generation()
    saved = request.session.get(PERMISSIONS_KEY)
    if saved is not None and saved[:2] == [generation, user.pk]:
        user._perm_cache = set(saved[2])
        return
    user.get_all_permissions()  # read now, under this generation
    if hasattr(user, "_perm_cache"):
        request.session[PERMISSIONS_KEY] = [generation, user.pk, sorted(user._perm_cache)]


# Staff who work cases: the workspace, the review queue, the outbox.
staff_required = permission_required_page("cases.work_case")
# Supervisors (cases.roles.is_supervisor): the dashboard.
supervisor_required = permission_required_page(SUPERVISOR_PERMISSION)
