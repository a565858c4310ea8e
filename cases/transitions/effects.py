"""The registry of transition effects: what a transition makes other apps do.

The core never imports the apps above it. They register here, in their
`AppConfig.ready()`, what must happen when a transition runs: `before` effects run on the
locked case before the transition (they may hold it, e.g. four eyes, or amend what goes out),
`after` effects run after it, in the same transaction (open or decide a review item, record a
training example, email the customer). An effect that raises a `TransitionError` refuses the
transition and rolls everything back.
"""

from collections import defaultdict
from collections.abc import Callable

from cases.transitions.step import Step

Effect = Callable[[Step], None]


class Effects:
    def __init__(self):
        self._effects: dict[str, list[Effect]] = defaultdict(list)

    def register(self, *names: str) -> Callable[[Effect], Effect]:
        """Decorate an effect to run for these transitions (or recorded actions)."""

        def decorate(effect: Effect) -> Effect:
            for name in names:
                if effect not in self._effects[name]:
                    self._effects[name].append(effect)
            return effect

        return decorate

    def of(self, name: str) -> list[Effect]:
        return list(self._effects.get(name, ()))

    def run(self, step: Step) -> None:
        for effect in self._effects.get(step.name, ()):
            effect(step)
            if step.held:
                return


before = Effects()
after = Effects()
