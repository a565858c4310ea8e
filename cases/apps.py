from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from cases.roles import ensure_roles

        # Groups need the permissions, which Django itself creates in post_migrate.
        post_migrate.connect(ensure_roles, dispatch_uid="cases.ensure_roles")
        # The transition path remembers which webhook events have subscribers, per process.
        from cases.models import WebhookEndpoint
        from cases.webhooks import forget_endpoints

        for signal in (post_save, post_delete):
            signal.connect(forget_endpoints, sender=WebhookEndpoint, dispatch_uid="cases.webhooks")
        # Staff permissions kept in sessions are read again after any change of grants.
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission

        from cases.access import permissions_changed

        user_model = get_user_model()
        for through in (
            user_model.groups.through,
            user_model.user_permissions.through,
            Group.permissions.through,
        ):
            m2m_changed.connect(
                permissions_changed, sender=through, dispatch_uid=f"perms.{through}"
            )
        for model in (Group, Permission):
            post_delete.connect(permissions_changed, sender=model, dispatch_uid=f"perms.{model}")
        # Its part of a customer's export and erasure.
        from cases import customer_data
        from cases.personal_data import register

        register(customer_data.CONTRIBUTION)
