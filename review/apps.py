from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "Review and learning"

    def ready(self):
        # The transition path's effects of the AI's side (review items, approvals, learning).
        from review import effects

        effects.connect()

        # Its part of a customer's export and erasure (`cases.personal_data`).
        from cases.personal_data import register
        from review import personal_data

        register(personal_data.CONTRIBUTION)
