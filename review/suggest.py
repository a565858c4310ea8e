"""Suggest for a case: the active model, its thresholds, the suggestion built and routed."""

import copy
import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone, translation

from cases.blanks import blanks_in, fill, greeting_for
from cases.formats import day_text
from cases.models import ActionKind, Case, Message, Priority
from cases.transitions import Actor, TransitionConflict, case_transition
from review.engine import interface as engine_interface
from review.engine.dates import WEEKDAYS
from review.engine.intent_classifier import IntentClassifier, Prediction
from review.engine.language import detect_language
from review.engine.llm import LLMConfig, chat_draft
from review.engine.risks import detect_risks
from review.engine.slots import extract_slots
from review.engine.substance import insufficient
from review.models import Intent, ModelVersion, Suggestion
from review.policy import route

logger = logging.getLogger(__name__)
# Dates offered to choose from.
OPTIONS = 3

# One loaded model per process, keyed by version id and checksum (a reused id after a
# rollback is another model): loading costs far more than predicting.
_classifiers: dict[tuple[int, str], IntentClassifier] = {}


def active_classifier() -> tuple[ModelVersion | None, IntentClassifier | None]:
    """The active model of the configured engine, loaded once per process.

    When the configured engine cannot run here (``hybrid`` without the ``enhanced`` extra,
    or a model file that is not the pinned one), the active ``tfidf`` model serves instead
    and the reason is logged: the product works fully with ``tfidf`` alone.
    """
    engines = [settings.ENGINE] + (["tfidf"] if settings.ENGINE != "tfidf" else [])
    for engine in engines:
        version = ModelVersion.objects.filter(is_active=True, engine=engine).defer("blob").first()
        if version is None:
            continue
        key = (version.pk, version.sha256)
        if key not in _classifiers:
            reason = engine_interface.reason_unavailable(engine)
            if reason is not None:
                logger.error("active model %s cannot be used: %s", version.label, reason)
                continue
            _classifiers.clear()
            _classifiers[key] = IntentClassifier.from_bytes(version.verified_blob())
        return version, _classifiers[key]
    return None, None


def model_threshold(version: ModelVersion | None, intent_slug: str) -> float | None:
    """The model's own threshold for an intent (`ModelVersion.threshold_for`), if any."""
    return None if version is None else version.threshold_for(intent_slug)


def routing_intent(intent: Intent | None, version: ModelVersion | None) -> Intent | None:
    """The intent as routing sees it: the supervisor's threshold is a floor that the model's
    data-chosen threshold can only raise (an unsaved copy; the intent itself is unchanged)."""
    if intent is None:
        return None
    chosen = model_threshold(version, intent.slug)
    if chosen is None or chosen <= intent.threshold:
        return intent
    routed = copy.copy(intent)
    routed.threshold = chosen
    return routed


def date_options(slots: dict, language: str, today: date) -> list[dict]:
    """Offer what the customer asked for: the dates they named, then their weekdays, then
    business days (after their own date, if they named one); never a day they cannot do, nor
    one sooner than the day after tomorrow.

    `today` is the day the options are made (the slots were read as of the received date).
    """
    earliest = today + timedelta(days=2)
    avoid = {date.fromisoformat(d) for d in slots.get("avoid_dates", [])}
    avoid |= {date.fromisoformat(d) for d in slots.get("past_dates", [])}
    named = [date.fromisoformat(d) for d in slots.get("dates", [])]
    candidates = [d for d in named if d >= earliest and d not in avoid]
    wanted = {WEEKDAYS.index(name) for name in slots.get("weekdays", []) if name in WEEKDAYS}
    # Around what they asked for: after their own date ("on the 3rd": the 3rd, 4th, 5th).
    start = min(candidates) + timedelta(days=1) if candidates else earliest
    day = start
    while len(candidates) < OPTIONS and day < start + timedelta(days=28):
        fits = day.weekday() in wanted if wanted else day.weekday() < 5
        if fits and day not in avoid and day not in candidates:
            candidates.append(day)
        day += timedelta(days=1)
    with translation.override(language):
        return [{"id": d.isoformat(), "label": day_text(d)} for d in candidates[:OPTIONS]]


def adjustment_for(intent: Intent, slots: dict, language: str, received: date) -> dict:
    """The change the customer confirms, stated: the new tariff or address, from when, the
    numbers it concerns, the amount.

    From when: the first date the message names that is not of something that happened (a
    return, an order: `past_dates`), else the first of the month after the message came in.
    """
    happened = set(slots.get("past_dates", [])) | {slots.get("return_date")}
    effective = next(
        (d for d in slots.get("dates", []) if d not in happened),
        (received.replace(day=1) + timedelta(days=32)).replace(day=1).isoformat(),
    )
    amounts = slots.get("amounts", [])
    adjustment = {"change": intent.display_name(language), "effective": effective}
    for key in ("tariff", "address", "contract_number", "customer_number", "order_number"):
        if slots.get(key):
            adjustment[key] = slots[key]
        elif key in intent.required_slots:
            # A blank: the change is stated or not sent (a person fills it in).
            adjustment[key] = f"{{{key}}}"
    if change := slots.get("amount_change"):
        # "from €95 to €80": the new amount, and what it replaces.
        adjustment["amount"] = f"{change['to']['value']} {change['to']['currency']}"
        adjustment["previous_amount"] = f"{change['from']['value']} {change['from']['currency']}"
    elif amounts:
        adjustment["amount"] = f"{amounts[0]['value']} {amounts[0]['currency']}"
    if not {"tariff", "address", "amount"} & adjustment.keys():
        # Nothing concrete taken from the message: a person states the change, or nothing goes.
        adjustment["details"] = "{details}"
    return adjustment


def priority_for(risk_flags: list[str]) -> int:
    if "urgent" in risk_flags:
        return Priority.URGENT
    if {"legal", "data_protection", "complaint", "cancel_threat"} & set(risk_flags):
        return Priority.HIGH
    return Priority.NORMAL


def draft_reply(text: str, template_draft: str, language: str) -> str:
    """The template's draft, rewritten by the optional LLM endpoint when one is configured."""
    if not template_draft:
        return template_draft
    config = LLMConfig(
        base_url=settings.LLM_BASE_URL,
        model=settings.LLM_MODEL,
        api_key=settings.LLM_API_KEY,
        timeout=settings.LLM_TIMEOUT,
    )
    return chat_draft(config, message=text, template_draft=template_draft, language=language)


def draft_values(case: Case, slots: dict) -> dict:
    """What fills a reply template's blanks: the customer's name, the reference, the slots."""
    values = {"customer_name": case.customer.name, "reference": case.reference}
    return values | {k: v for k, v in slots.items() if isinstance(v, str)}


def build_suggestion(case: Case, message: Message, version, prediction: Prediction | None) -> dict:
    """Everything a suggestion stores, including its routing decision."""
    text = message.text_for_engine
    # The body decides; a body without a word of either language leaves it to the subject.
    language = message.language or detect_language(
        text, default=detect_language(message.subject, default=case.language)
    )
    today = timezone.localdate()
    # Read as of the day the message came in ("from 1 November" written in October is this
    # November), subject included ("Re: Bestellung 4711-2231").
    received = timezone.localdate(message.created_at)
    slots = extract_slots(f"{message.subject}\n{text}", today=received)
    risk_flags = detect_risks(f"{message.subject}\n{text}")
    # The predicted intent only (not every intent, as before issue 16): its policy as it is now.
    intent = Intent.objects.filter(slug=prediction.intent).first() if prediction else None
    confidence = prediction.confidence if prediction else 0.0
    routed = routing_intent(intent, version)
    routing = route(
        intent=routed,
        confidence=confidence,
        slots=slots,
        risk_flags=risk_flags,
        out_of_scope_threshold=settings.OUT_OF_SCOPE_THRESHOLD,
        sample_key=f"{case.reference}:{message.pk}",
        out_of_scope=bool(prediction and prediction.out_of_scope),
        insufficient_text=insufficient(f"{message.subject}\n{text}"),
    )
    action = intent.action if intent else ActionKind.MANUAL
    values = draft_values(case, slots)
    template = (
        intent.reply_templates.get(language) or intent.reply_templates.get("en", "")
        if intent
        else ""
    )
    template = greeting_for(template, case.customer)
    options = date_options(slots, language, today) if action == ActionKind.CHOOSE else []
    adjustment = (
        adjustment_for(intent, slots, language, received) if action == ActionKind.CONFIRM else {}
    )
    draft = draft_reply(text, fill(template, values), language)
    # A draft with a blank left goes to a person, who fills it: the AI never sends one.
    blanks = blanks_in(draft, *(o["label"] for o in options), *adjustment.values())
    reason_codes = list(routing.reason_codes)
    reason_codes += [f"missing_slot:{n}" for n in blanks if f"missing_slot:{n}" not in reason_codes]
    if case.duplicate_of_id is not None:
        # Intake found the customer said the same shortly before (cases.duplicates): a person
        # merges or answers; the AI never answers the same message twice.
        reason_codes.append("duplicate")
    if message.sender_check:
        # A reply whose sender was not believed opened a case beside the one it names
        # (cases.mail.trust): a person checks who wrote it.
        reason_codes.append("sender_unverified")
    return {
        "engine": version.engine if version else settings.ENGINE,
        "model_version": version,
        "model_label": version.label if version else "",
        "intent": intent,
        "confidence": confidence,
        "threshold": routed.threshold if routed is not None else None,
        "alternatives": [list(a) for a in prediction.alternatives] if prediction else [],
        "slots": slots,
        "risk_flags": risk_flags,
        "action": action,
        "options": options,
        "adjustment": adjustment,
        "draft_reply": draft,
        "language": language,
        "automatable": routing.automatable
        and not blanks
        and case.duplicate_of_id is None
        and not message.sender_check,
        "reason_codes": reason_codes,
        "risk_class": routing.risk_class,
        "four_eyes": bool(intent and intent.four_eyes),
        "policy_version": intent.policy_version if intent else None,
    }


def suggestion_create(*, case_id: int) -> Suggestion | None:
    """Suggest for a new case and route it; a repeated call for the same message does nothing.

    The case is read twice: here with its message, unlocked (the engine is the slow part), and
    by `case_transition`'s lock, whose check of the state on the locked row is the guard (only
    a new case can be automated or routed). The suggestion is stored in the transaction of its
    transition: a run that lost the race to another run of this job (the same message's
    suggestion, `one_suggestion_per_message`) or to the case moving on leaves nothing behind.
    """
    message = suggestion_message(case_id)
    if message is None:
        return None
    case = message.case
    # Predict before taking the lock: the engine is the slow part.
    version, classifier = active_classifier()
    prediction = (
        classifier.predict_one(f"{message.subject}\n{message.text_for_engine}")
        if classifier and not message.automatic
        else None
    )
    fields = build_suggestion(case, message, version, prediction)
    if message.automatic:
        # An auto-reply, bounce or list mail opened this case: no intent to read, no reply to
        # send; a person looks at it.
        fields |= {"automatable": False, "reason_codes": ["automatic_message"], "draft_reply": ""}
    try:
        with transaction.atomic():
            suggestion = Suggestion.objects.create(case=case, message=message, **fields)
            suggestion_route(case=case, suggestion=suggestion)
    except TransitionConflict:
        return None  # the case moved on meanwhile: routed by another run of this job
    except IntegrityError:
        if not Suggestion.objects.filter(case=case, message=message).exists():
            raise
        return None  # another run of this job stored (and routed) it first
    return suggestion


def suggestion_message(case_id: int) -> Message | None:
    """The message to suggest for, with its case and customer, while the case awaits one.

    The newest inbound message a customer wrote; the newest inbound one when all of them are
    machine-made (an auto-reply opened the case).
    """
    written = ExpressionWrapper(Q(automatic=""), output_field=BooleanField())
    return (
        Message.objects.filter(
            case__in=Case.objects.awaiting_suggestion().filter(pk=case_id),
            direction=Message.Direction.INBOUND,
        )
        .select_related("case__customer")
        .order_by(written.desc(), "-created_at", "-pk")
        .first()
    )


def suggestion_route(*, case: Case, suggestion: Suggestion):
    """Act on a stored suggestion: the AI goes ahead alone, or hands the case to a person.

    The path makes it the case's current suggestion, with its language and priority.
    """
    return case_transition(
        case=case,
        name="automate" if suggestion.automatable else "route_to_review",
        actor=Actor.ai(),
        payload={
            "suggestion": suggestion.pk,
            "language": suggestion.language,
            "priority": priority_for(suggestion.risk_flags),
        },
    )
