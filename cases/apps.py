from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self):
        from cases.roles import ensure_roles

        # Groups need the permissions, which Django itself creates in post_migrate.
        post_migrate.connect(ensure_roles, dispatch_uid="cases.ensure_roles")
