from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "Review and learning"

    def ready(self):
        # Its part of a customer's export and erasure (`cases.personal_data`).
        from cases.personal_data import register
        from review import personal_data

        register(personal_data.CONTRIBUTION)
