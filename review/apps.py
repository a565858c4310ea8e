from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "Review and learning"

    def ready(self):
        # The transition path's effects of the AI's side (review items, approvals, learning).
        from review import effects

        effects.connect()
