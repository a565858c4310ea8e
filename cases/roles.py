"""The staff roles as groups, kept in step with the code after every migrate."""

from django.contrib.auth.models import Group, Permission

# What makes a user a supervisor: deciding escalated cases. The admin and the dashboard are
# theirs (see `is_supervisor`); `Actor.staff` records them as supervisors for the same reason.
SUPERVISOR_PERMISSION = "cases.handle_escalated"

# Each role's permissions. The core lists its own; the apps above it add theirs in their
# `AppConfig.ready()` (`grant`), so that this module names nothing of theirs.
ROLES = {
    "agent": ["cases.view_case", "cases.work_case"],
    "supervisor": [
        # The workspace.
        "cases.view_case",
        "cases.work_case",
        "cases.handle_escalated",
        "cases.decide_legal",
        # The admin's cases: the change permission is what posts a transition button; the
        # state itself stays read-only. Messages and events are shown, never edited.
        "cases.change_case",
        "cases.view_message",
        "cases.view_caseevent",
        # Email in: mail that could not become a message, and the files that came with mail.
        # Change is the release action only (cases/mail/admin.py); the mail stays read-only.
        "cases.view_quarantinedemail",
        "cases.change_quarantinedemail",
        "cases.view_attachment",
        # The tags agents put on cases (docs/bulk.md).
        "cases.view_tag",
        "cases.add_tag",
        "cases.change_tag",
        "cases.delete_tag",
        # What was sent to downstream systems.
        "cases.view_webhookdelivery",
        # Canned replies: the agents' texts, kept by supervisors.
        "cases.view_macro",
        "cases.add_macro",
        "cases.change_macro",
        "cases.delete_macro",
        # The SLA targets per priority (their changes are in the admin's history).
        "cases.view_slatarget",
        "cases.change_slatarget",
    ],
    "integrator": ["cases.view_case", "cases.submit_message"],
}


def grant(role: str, perms: list[str]) -> None:
    """Add an app's permissions to a role (from its `AppConfig.ready()`; idempotent)."""
    ROLES[role].extend(perm for perm in perms if perm not in ROLES[role])


def is_supervisor(user) -> bool:
    """Supervisors (and superusers) use the admin and the dashboard; agents do not."""
    return bool(
        user.is_active
        and user.is_authenticated
        and (user.is_superuser or user.has_perm(SUPERVISOR_PERMISSION))
    )


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
