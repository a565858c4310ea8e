from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = "Customers"

    def ready(self):
        # Its part of a customer's export and erasure (`cases.personal_data`).
        from cases.personal_data import register
        from customers import personal_data

        register(personal_data.CONTRIBUTION)
