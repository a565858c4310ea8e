"""The staff roles as groups, kept in step with the code after every migrate."""

from django.contrib.auth.models import Group, Permission

ROLES = {
    "agent": ["cases.view_case", "cases.work_case", "review.view_suggestion"],
    "supervisor": [
        "cases.view_case",
        "cases.work_case",
        "cases.handle_escalated",
        "cases.decide_legal",
        "review.view_suggestion",
    ],
    "integrator": ["cases.view_case", "cases.submit_message"],
}


def ensure_roles(sender=None, **kwargs) -> None:
    """Create the role groups and give each exactly its permissions (idempotent)."""
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
