from django.contrib.admin.apps import AdminConfig


class BackofficeAdminConfig(AdminConfig):
    """Django's admin, on our site class: it is the supervisors' tool, not the agents'."""

    default_site = "backoffice.admin.SupervisorAdminSite"
