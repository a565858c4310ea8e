"""The staff roles as groups, kept in step with the code after every migrate."""

from django.contrib.auth.models import Group, Permission

# What makes a user a supervisor: deciding escalated cases. The admin and the dashboard are
# theirs (see `is_supervisor`); `Actor.staff` records them as supervisors for the same reason.
SUPERVISOR_PERMISSION = "cases.handle_escalated"

ROLES = {
    "agent": ["cases.view_case", "cases.work_case", "review.view_suggestion"],
    "supervisor": [
        # The workspace.
        "cases.view_case",
        "cases.work_case",
        "cases.handle_escalated",
        "cases.decide_legal",
        "review.view_suggestion",
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
        # The policy (every save is a new version) and its history; the dashboard's buttons.
        "review.view_intent",
        "review.change_intent",
        "review.view_policyversion",
        # Models: see them, activate or roll back (change), retrain (add), follow the runs.
        "review.view_modelversion",
        "review.change_modelversion",
        "review.add_modelversion",
        "review.view_trainingrun",
        # The learning loop and the review queue: correct a label, read the rest.
        "review.view_trainingexample",
        "review.change_trainingexample",
        "review.view_reviewitem",
        # Customers: see and export (view); erase (delete: erasure is how a customer is
        # deleted here, the row stays pseudonymised for the cases' history).
        "customers.view_customer",
        "customers.delete_customer",
        "customers.view_confirmationrequest",
        "customers.view_emailoutbox",
        # The audit trail of all of the above, and what was sent to downstream systems.
        "review.view_auditentry",
        "cases.view_webhookdelivery",
    ],
    "integrator": ["cases.view_case", "cases.submit_message"],
}


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
