"""The retrain verdict in words: which check of the gate decided, with both models' figures.

"Not activated: precision 0.978 is below the target 0.98 …" says what a supervisor needs to
know; "did worse" did not, when the new model had automated 60 % against 38 %. The check is
found again from the stored figures (`review.engine.gate.decide`), so the runs of every
version read the same way.
"""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from review.engine.gate import Check, GateFigures, decide

FIGURES = ("n", "correct", "automated", "automated_correct")


def _figures(stored: dict | None) -> GateFigures | None:
    if not stored:
        return None
    return GateFigures(**{name: int(stored.get(name) or 0) for name in FIGURES})


def _percent(figures: GateFigures) -> str:
    return f"{number_format(round(100 * figures.coverage), 0)} %"


def _precision(figures: GateFigures) -> str:
    precision = figures.realised_precision
    # number_format cuts digits off; rounded first, 0.8889 reads 0.889.
    return "—" if precision is None else number_format(round(precision, 3), 3)


def training_verdict(gate: dict | None, *, activated: bool, had_active_model: bool) -> str:
    """One sentence: activated or not, and the check that decided it with both figures."""
    if not gate:
        return _("Activated.") if activated else _("Not activated.")
    new, old = _figures(gate.get("challenger")), _figures(gate.get("champion"))
    target = number_format(round(gate["target_precision"], 4), 2)
    better, check = decide(old, new, gate["target_precision"])
    if check == Check.FIRST:
        if had_active_model:  # the active model could not be loaded to compare with
            why = _("the active model could not be compared: %(reason)s") % {
                "reason": gate.get("reason", "")
            }
        else:
            why = _("it is the first model")
    elif check == Check.NO_HOLDOUT:
        why = _("there are no held-out examples to compare on yet")
    elif check == Check.CHALLENGER_OVER_BUDGET:
        why = _(
            "precision %(new)s is below the target %(target)s (the active model: %(old)s), "
            "although it automated %(new_share)s against %(old_share)s"
        )
    elif check == Check.CHAMPION_OVER_BUDGET:
        why = _(
            "the active model's precision %(old)s is below the target %(target)s, this one's "
            "%(new)s is not (automated %(new_share)s against %(old_share)s)"
        )
    elif check == Check.COVERAGE:
        why = _(
            "automated %(new_share)s against %(old_share)s, both within the target precision "
            "%(target)s (%(new)s against %(old)s)"
        )
    elif check == Check.ACCURACY:
        why = _(
            "both automated %(new_share)s; right on %(new_correct)s of %(n)s held-out examples "
            "against %(old_correct)s"
        )
    else:
        why = _(
            "both are below the target precision %(target)s: %(new)s against %(old)s "
            "(automated %(new_share)s against %(old_share)s)"
        )
    if old is not None and new.n:
        why = why % {
            "new": _precision(new),
            "old": _precision(old),
            "target": target,
            "new_share": _percent(new),
            "old_share": _percent(old),
            "new_correct": new.correct,
            "old_correct": old.correct,
            "n": new.n,
        }
    if activated == better:
        lead = _("Activated: %(why)s.") if activated else _("Not activated: %(why)s.")
    else:  # `train_engine --activate always/never` overruled the gate
        lead = (
            _("Activated on request, although the gate said no: %(why)s.")
            if activated
            else _("Not activated on request, although the gate said yes: %(why)s.")
        )
    return lead % {"why": why}
