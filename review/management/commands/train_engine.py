from django.core.management.base import BaseCommand, CommandError

from review.services import model_train


class Command(BaseCommand):
    help = "Train a model version from the training examples; activate it unless it is worse."

    def add_arguments(self, parser):
        parser.add_argument("--engine", help="Engine name (default: the ENGINE setting).")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--activate",
            choices=["if_better", "always", "never"],
            default="if_better",
            help="Activate the new version if it is not worse than the active one (default).",
        )

    def handle(self, *args, engine=None, seed=0, activate="if_better", **options):
        try:
            version = model_train(engine=engine, seed=seed, activate=activate)
        except ValueError as error:
            raise CommandError(str(error)) from error
        metrics = version.metrics
        self.stdout.write(
            f"{version.label}: {version.n_examples} examples, {len(version.labels)} intents, "
            f"holdout accuracy {metrics.get('accuracy', float('nan')):.3f}, "
            f"ECE {metrics.get('ece_after', float('nan')):.3f}, "
            f"{'active' if version.is_active else 'not activated'}"
        )
