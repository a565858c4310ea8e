from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = "Customers"

    def ready(self):
        # The transition path's effects of the customers' side (emails about their questions).
        from customers import effects

        effects.connect()

        # Its part of a customer's export and erasure (`cases.personal_data`).
        from cases.personal_data import register
        from customers import personal_data

        register(personal_data.CONTRIBUTION)
