from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.roles import is_supervisor


class SupervisorAdminSite(admin.AdminSite):
    """The admin for supervisors: agents work in the workspace and are refused here.

    Django lets in any active staff user with some model permission; agents have
    `cases.view_case` for the workspace and the API, so the site itself checks the role.
    """

    site_header = _("Back office administration")
    site_title = _("Back office admin")
    index_title = _("Supervision")
    site_url = "/dashboard/"

    def has_permission(self, request):
        return request.user.is_staff and is_supervisor(request.user)
