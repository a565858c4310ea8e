"""Reason codes in plain words: the first thing an agent reads about a case."""

import math

from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.blanks import slot_name


def explain(code: str, suggestion=None) -> str:
    """Say why a human is needed, with the figures that made it so."""
    intent = suggestion.intent if suggestion is not None else None
    intent_name = intent.display_name(get_language() or "en") if intent else _("this intent")
    if code == "low_confidence" and intent is not None:
        return low_confidence(suggestion, intent, intent_name)
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
            "limit": number_format(intent.amount_limit, 2),
            "intent": intent_name,
        }
    if code == "intent_mode_assist":
        return _("%(intent)s is in assist mode: a human always decides") % {"intent": intent_name}
    plain = {
        "low_confidence": _("the AI is not confident enough"),
        "amount_over_limit": _("an amount is above the limit"),
        "out_of_scope": _("no intent fits this message well enough (out of scope)"),
        "sampled_for_qa": _("picked at random for a quality check of the AI"),
        "message_too_short": _(
            "the message is too short to tell what the customer wants: the AI never acts on it "
            "alone"
        ),
        "message_repetitive": _(
            "the message repeats itself too much to tell what the customer wants: the AI never "
            "acts on it alone"
        ),
        "customer_declined": _("the customer declined the proposal"),
        "customer_no_answer": _("the customer did not answer in time"),
        "customer_replied": _("the customer wrote again"),
        "customer_feedback_negative": _("the customer said the solution did not help"),
        "delivery_failed": _("our mail to the customer was not delivered"),
        "sender_unverified": _(
            "the sender could not be verified: this reply did not join its case on its own"
        ),
        "customer_asked_for_human": _("the customer asked to talk to a person"),
        "escalated": _("escalated by an agent"),
        "duplicate": _(
            "the customer sent the same message shortly before: probably a duplicate to merge"
        ),
        "automatic_message": _(
            "an automatic email (auto-reply, bounce or mailing list): nothing is sent back"
        ),
    }
    return plain.get(code, code)


def risk_name(flag: str) -> str:
    """A risk flag (`review.engine.risks.detect_risks`) in the reader's words."""
    return {
        "legal": _("legal threat"),
        "data_protection": _("data protection"),
        "cancel_threat": _("threat to cancel"),
        "complaint": _("complaint"),
        "urgent": _("urgent"),
    }.get(flag, flag)


def low_confidence(suggestion, intent, intent_name: str) -> str:
    """The threshold that decided, and where it comes from: the policy, or the data."""
    policy = intent.threshold
    effective = suggestion.threshold if suggestion.threshold is not None else policy
    if math.isinf(effective):  # no threshold reached the target precision on the data
        return _(
            "the data never showed %(intent)s answered alone at the required precision: a "
            "person decides at any confidence (the policy's minimum is %(policy)s)"
        ) % {"intent": intent_name, "policy": number_format(policy, 2)}
    digits = 2
    while digits < 4 and round(suggestion.confidence, digits) >= round(effective, digits):
        digits += 1  # never "0.97 is below 0.97"
    figures = {  # in the reader's format: "0.96", "0,96"
        "confidence": number_format(round(suggestion.confidence, digits), digits),
        "threshold": number_format(round(effective, digits), digits),
        "policy": number_format(policy, 2),
        "intent": intent_name,
    }
    if effective > policy:
        return (
            _(
                "confidence %(confidence)s is below %(threshold)s, the threshold for "
                "%(intent)s learned from the data (the policy's minimum is %(policy)s)"
            )
            % figures
        )
    return (
        _("confidence %(confidence)s is below the policy's threshold %(threshold)s for %(intent)s")
        % figures
    )
