from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Review and learning")

    def ready(self):
        from cases.roles import grant

        grant("agent", ["review.view_suggestion"])
        grant(
            "supervisor",
            [
                "review.view_suggestion",
                # The policy (every save is a new version) and its history; the dashboard.
                "review.view_intent",
                "review.change_intent",
                "review.view_policyversion",
                # Models: see them, activate or roll back (change), retrain (add), the runs.
                "review.view_modelversion",
                "review.change_modelversion",
                "review.add_modelversion",
                "review.view_trainingrun",
                # The learning loop and the review queue: correct a label, read the rest.
                "review.view_trainingexample",
                "review.change_trainingexample",
                "review.view_reviewitem",
                # The audit trail of what supervisors did.
                "review.view_auditentry",
            ],
        )

        # The transition path's effects of the AI's side (review items, approvals, learning).
        from review import effects

        effects.connect()

        # Its part of a customer's export and erasure (`cases.personal_data`).
        from cases.personal_data import register
        from review import personal_data

        register(personal_data.CONTRIBUTION)

        # How its reason codes read in the queue's rows (`cases.queue_html`): the words of its
        # template filter `explain`, memoised per language.
        from cases.queue_html import say_reasons_with
        from review.templatetags.reasons import explain

        say_reasons_with(explain)

        # Optimised ONNX graphs, made once per machine (`review.engine.sessions`).
        from django.conf import settings

        from review.engine import sessions

        if settings.ENGINE_CACHE_DIR:
            sessions.set_cache_dir(settings.ENGINE_CACHE_DIR)
