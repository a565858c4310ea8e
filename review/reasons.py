"""Reason codes in plain words: the first thing an agent reads about a case."""

from django.utils.translation import gettext as _

from cases.blanks import slot_name


def explain(code: str, suggestion=None) -> str:
    """Say why a human is needed, with the figures that made it so."""
    intent = suggestion.intent if suggestion is not None else None
    intent_name = intent.name if intent else _("this intent")
    if code == "low_confidence" and suggestion is not None and intent is not None:
        return _("confidence %(confidence).2f is below %(threshold).2f for %(intent)s") % {
            "confidence": suggestion.confidence,
            "threshold": intent.threshold,
            "intent": intent_name,
        }
    if code.startswith("risk_class:"):
        risk = code.partition(":")[2]
        return {
            "legal": _("legal risk: a human must decide"),
            "financial": _("financial risk: a human must decide"),
        }.get(risk, _("%(risk)s risk: a human must decide") % {"risk": risk})
    if code.startswith("missing_slot:"):
        slot = code.partition(":")[2]
        return _("the %(slot)s is missing") % {"slot": slot_name(slot)}
    if code == "amount_over_limit" and intent is not None and intent.amount_limit is not None:
        return _("an amount is above the limit of %(limit)s for %(intent)s") % {
            "limit": intent.amount_limit,
            "intent": intent_name,
        }
    if code == "intent_mode_assist":
        return _("%(intent)s is in assist mode: a human always decides") % {"intent": intent_name}
    plain = {
        "low_confidence": _("the AI is not confident enough"),
        "amount_over_limit": _("an amount is above the limit"),
        "out_of_scope": _("no intent fits this message well enough (out of scope)"),
        "sampled_for_qa": _("picked at random for a quality check of the AI"),
        "customer_declined": _("the customer declined the proposal"),
        "customer_no_answer": _("the customer did not answer in time"),
        "customer_replied": _("the customer wrote again"),
        "customer_feedback_negative": _("the customer said the solution did not help"),
        "customer_asked_for_human": _("the customer asked to talk to a person"),
        "escalated": _("escalated by an agent"),
        "automatic_message": _(
            "an automatic email (auto-reply, bounce or mailing list): nothing is sent back"
        ),
    }
    return plain.get(code, code)
