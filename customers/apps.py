from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from cases.roles import grant

        # Customers: see and export (view); erase (delete: erasure is how a customer is
        # deleted here, the row stays pseudonymised for the cases' history).
        grant(
            "supervisor",
            [
                "customers.view_customer",
                "customers.delete_customer",
                "customers.view_confirmationrequest",
                "customers.view_emailoutbox",
            ],
        )

        # The transition path's effects of the customers' side (emails about their questions).
        from customers import effects

        effects.connect()

        # Its part of a customer's export and erasure (`cases.personal_data`).
        from cases.personal_data import register
        from customers import personal_data

        register(personal_data.CONTRIBUTION)
