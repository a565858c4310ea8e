from django.core.management.base import BaseCommand, CommandError

from review.engine.classifier import ENGINES
from review.engine.embeddings import EngineUnavailable
from review.training import model_train


class Command(BaseCommand):
    help = "Train a model version from the training examples; activate it unless it is worse."

    def add_arguments(self, parser):
        parser.add_argument(
            "--engine", choices=ENGINES, help="Engine name (default: the ENGINE setting)."
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--target-precision",
            type=float,
            default=None,
            help="Precision the thresholds must reach (default: ENGINE_TARGET_PRECISION).",
        )
        parser.add_argument(
            "--activate",
            choices=["if_better", "always", "never"],
            default="if_better",
            help="Activate the new version if it is not worse than the active one (default).",
        )

    def handle(
        self, *args, engine=None, seed=0, activate="if_better", target_precision=None, **options
    ):
        try:
            version = model_train(
                engine=engine, seed=seed, activate=activate, target_precision=target_precision
            )
        except (ValueError, EngineUnavailable) as error:
            raise CommandError(str(error)) from error
        metrics = version.metrics
        thresholds = metrics.get("thresholds") or {}
        statuses = list((thresholds.get("status") or {}).values())
        self.stdout.write(
            f"{version.label}: {version.n_examples} examples, {len(version.labels)} intents, "
            f"held-out accuracy {metrics.get('accuracy', float('nan')):.3f}, "
            f"ECE {metrics.get('ece_after', float('nan')):.3f}, "
            f"thresholds at precision {thresholds.get('target_precision', float('nan')):.2f}: "
            f"{statuses.count('chosen')} chosen, {statuses.count('unreachable')} unreachable, "
            f"{statuses.count('insufficient_data')} with too little data; "
            f"{'active' if version.is_active else 'not activated'}"
        )
        gate = metrics.get("gate") or {}
        if gate:
            self.stdout.write(
                f"gate on {gate['n_holdout']} held-out examples: "
                f"{'not worse' if gate['not_worse'] else 'worse'}, {gate['reason']}"
            )
