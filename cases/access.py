"""Who may open a staff page: one decorator for the workspace, the review queue and the dashboard.

Anonymous visitors are sent to log in (an htmx request sends the whole page there, not the
login form into a panel); a logged-in user without the permission is refused (403).
"""

from functools import wraps
from urllib.parse import quote

from django.contrib.auth.views import redirect_to_login
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
            if not request.user.has_perm(perm):  # False for inactive users
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Staff who work cases: the workspace, the review queue, the outbox.
staff_required = permission_required_page("cases.work_case")
# Supervisors (cases.roles.is_supervisor): the dashboard.
supervisor_required = permission_required_page(SUPERVISOR_PERMISSION)
