from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = "Customers"

    def ready(self):
        # The transition path's effects of the customers' side (emails about their questions).
        from customers import effects

        effects.connect()
