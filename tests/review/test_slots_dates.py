"""Dates and reference numbers as the customer meant them, read as of the received day."""

import datetime

import pytest
from django.utils import timezone, translation

from cases.intake import message_receive
from review.engine.dates import find_dates
from review.engine.slots import extract_slots, find_references
from review.models import Intent
from review.suggest import adjustment_for, date_options, suggestion_create
from tests.review import test_suggest

trained = test_suggest.trained
D = datetime.date
TUESDAY_20_OCT = D(2026, 10, 20)
SATURDAY_5_DEC = D(2026, 12, 5)


@pytest.mark.parametrize(
    ("text", "received", "slots"),
    [
        # Dates resolve against the day the message came in.
        ("From 1 November please use my new address", D(2026, 10, 20), {"dates": ["2026-11-01"]}),
        ("From 1 November please use my new address", D(2026, 12, 6), {"dates": ["2026-11-01"]}),
        ("From 1 November please use my new address", D(2024, 10, 20), {"dates": ["2024-11-01"]}),
        ("Ab dem 1. November gilt meine neue Adresse", D(2026, 10, 20), {"dates": ["2026-11-01"]}),
        ("bis zum 5.1. bitte", D(2026, 3, 10), {"dates": ["2027-01-05"]}),
        ("am 29.02.", D(2026, 3, 10), {"dates": ["2028-02-29"]}),
        ("Lieferung am 12.03.2027", D(2026, 3, 10), {"dates": ["2027-03-12"]}),
        ("am 31.02.2026 oder 30.2.", D(2026, 3, 10), {}),
        ("übermorgen oder in zwei Wochen", D(2026, 3, 10), {"dates": ["2026-03-12", "2026-03-24"]}),
        ("in 3 days please", D(2026, 3, 10), {"dates": ["2026-03-13"]}),
        ("letzten Montag kam nichts", D(2026, 3, 10), {"dates": ["2026-03-09"]}),
        # Returns and other past events are in the past, and a return is named as such.
        (
            "Sent back on 2 October, where is my refund?",
            TUESDAY_20_OCT,
            {"dates": ["2026-10-02"], "past_dates": ["2026-10-02"], "return_date": "2026-10-02"},
        ),
        (
            "Ich habe die Ware am 2. Oktober zurückgeschickt.",
            TUESDAY_20_OCT,
            {"dates": ["2026-10-02"], "past_dates": ["2026-10-02"], "return_date": "2026-10-02"},
        ),
        (
            "I returned the kettle on Monday, please refund me by 1 November",
            TUESDAY_20_OCT,
            {
                "dates": ["2026-10-19", "2026-11-01"],
                "past_dates": ["2026-10-19"],
                "return_date": "2026-10-19",
            },
        ),
        (
            "I ordered it on 25 October",
            TUESDAY_20_OCT,
            {"dates": ["2025-10-25"], "past_dates": ["2025-10-25"]},
        ),
        (
            "I sent the boots from order A-24210 back on 2 October and your tracking shows "
            "they arrived on the 5th.",
            D(2026, 12, 6),
            {
                "dates": ["2026-10-02", "2026-10-05"],
                "past_dates": ["2026-10-02", "2026-10-05"],
                "return_date": "2026-10-02",
            },
        ),
        (
            "Ich habe am Montag einen Wasserkocher und zwei Tassen bestellt",
            D(2026, 12, 6),
            {"dates": ["2026-11-30"], "past_dates": ["2026-11-30"]},
        ),
        # A numeric date is a date, never a time of day.
        (
            "laut Ihrer Schlussrechnung vom 12.08. steht mir ein Guthaben zu",
            D(2026, 12, 6),
            {"dates": ["2026-08-12"], "past_dates": ["2026-08-12"]},
        ),
        ("Termin 12.03.2026 oder 12/03/2026", D(2026, 3, 10), {"dates": ["2026-03-12"]}),
        # Weekdays asked for, and the ones the customer cannot do.
        (
            "Delivery next Tuesday\nIt is booked for next Tuesday, but I travel that day.",
            TUESDAY_20_OCT,
            {"avoid_dates": ["2026-10-27"]},
        ),
        (
            "Could you deliver Thursday or Friday?",
            TUESDAY_20_OCT,
            {"weekdays": ["thursday", "friday"]},
        ),
        (
            "Bitte liefern Sie am Donnerstag oder Freitag.",
            TUESDAY_20_OCT,
            {"weekdays": ["thursday", "friday"]},
        ),
        ("Kann ich die Ware am Freitag erhalten?", TUESDAY_20_OCT, {"weekdays": ["friday"]}),
        ("I am not home on Friday, deliver later", TUESDAY_20_OCT, {"avoid_dates": ["2026-10-23"]}),
        (
            "It is booked for next Tuesday, but I travel that day. Could you move it to Thursday "
            "or Friday?",
            TUESDAY_20_OCT,
            {"weekdays": ["thursday", "friday"], "avoid_dates": ["2026-10-27"]},
        ),
        (
            "The wardrobe is due on Monday but nobody will be in, so could you deliver on "
            "Thursday instead?",
            TUESDAY_20_OCT,
            {"weekdays": ["thursday"], "avoid_dates": ["2026-10-26"]},
        ),
        (
            "können wir die Lieferung vom 17.10. auf die Woche danach verschieben?",
            D(2026, 10, 12),
            {"avoid_dates": ["2026-10-17"]},
        ),
        (
            "Could you move the delivery from 3 November to the week after?",
            TUESDAY_20_OCT,
            {"avoid_dates": ["2026-11-03"]},
        ),
        ("From 1 November I will move to Leeds", TUESDAY_20_OCT, {"dates": ["2026-11-01"]}),
        # A day of the month alone is the next one to come.
        ("Could it come on the 3rd instead?", SATURDAY_5_DEC, {"dates": ["2027-01-03"]}),
        ("Please deliver on the 3rd.", TUESDAY_20_OCT, {"dates": ["2026-11-03"]}),
        ("Lieferung am 25. bitte", TUESDAY_20_OCT, {"dates": ["2026-10-25"]}),
        # Not dates.
        ("Guten Morgen, heute Morgen kam nichts", TUESDAY_20_OCT, {}),
        ("Where is my order? I may be away now.", TUESDAY_20_OCT, {}),
        ("IP 192.168.1.1, version 1.2.3", TUESDAY_20_OCT, {}),
        ("Meine neue Adresse: Kornblumenweg 14, 30159 Hannover", TUESDAY_20_OCT, {}),
    ],
)
def test_dates_are_read_as_the_customer_meant_them(text, received, slots):
    assert find_dates(text, received).as_slots() == slots


@pytest.mark.parametrize(
    ("text", "references"),
    [
        ("Bestelung 4711-2231", {"order_number": "4711-2231"}),
        ("ordr no. 123456", {"order_number": "123456"}),
        ("odrer #A-12345", {"order_number": "A-12345"}),
        ("Re: Bestelung 4711-2231 - wo bleibt sie?", {"order_number": "4711-2231"}),
        ("Bestellnr. 778899", {"order_number": "778899"}),
        ("Vertagsnummer 55512", {"contract_number": "55512"}),
        ("contrat no. V-2024-118", {"contract_number": "V-2024-118"}),
        ("Kundenummer 12345", {"customer_number": "12345"}),
        ("costumer number 998877", {"customer_number": "998877"}),
        (
            "Vertrag V-2021-402, Kundennummer 4455",
            {"contract_number": "V-2021-402", "customer_number": "4455"},
        ),
        # "oder" is German for "or", not a typo of "order".
        ("Ich möchte 2 oder 1234 Stück", {}),
        ("Oder 4711 bitte", {}),
        ("The order no longer arrives", {}),
        ("my border 12345", {}),
    ],
)
def test_reference_numbers_survive_common_typos(text, references):
    assert find_references(text) == references


@pytest.mark.parametrize(
    ("slots", "today", "offered"),
    [
        # Thursday or Friday: Thursdays and Fridays, from the day after tomorrow on.
        (
            {"weekdays": ["thursday", "friday"]},
            TUESDAY_20_OCT,
            ["2026-10-22", "2026-10-23", "2026-10-29"],
        ),
        # ... but not the one the customer cannot do.
        (
            {"weekdays": ["thursday", "friday"], "avoid_dates": ["2026-10-23"]},
            TUESDAY_20_OCT,
            ["2026-10-22", "2026-10-29", "2026-10-30"],
        ),
        # The 3rd asked for is offered first, then the business days after it.
        ({"dates": ["2027-01-03"]}, SATURDAY_5_DEC, ["2027-01-03", "2027-01-04", "2027-01-05"]),
        # Nothing asked for: the next three business days, never tomorrow.
        ({}, TUESDAY_20_OCT, ["2026-10-22", "2026-10-23", "2026-10-26"]),
        # Not possible on Friday: skipped.
        (
            {"avoid_dates": ["2026-10-23"]},
            TUESDAY_20_OCT,
            ["2026-10-22", "2026-10-26", "2026-10-27"],
        ),
        # A past date or tomorrow is never offered.
        (
            {"dates": ["2026-10-02", "2026-10-21"]},
            TUESDAY_20_OCT,
            ["2026-10-22", "2026-10-23", "2026-10-26"],
        ),
        # A named date and a weekday: the date first, then that weekday after it.
        (
            {"dates": ["2026-11-03"], "weekdays": ["friday"]},
            TUESDAY_20_OCT,
            ["2026-11-03", "2026-11-06", "2026-11-13"],
        ),
    ],
)
def test_date_options_follow_what_the_customer_asked_for(slots, today, offered):
    assert [option["id"] for option in date_options(slots, "en", today)] == offered


def test_options_are_labelled_in_the_customers_language():
    options = date_options({"weekdays": ["thursday"]}, "de", TUESDAY_20_OCT)
    assert options[0] == {"id": "2026-10-22", "label": "Donnerstag, 22. Oktober 2026"}


def refund_intent():
    return Intent(slug="refund_request", name="Refund", required_slots=[])


@pytest.mark.parametrize(
    ("text", "effective"),
    [
        # The return date is not when the refund takes effect.
        ("Sent back on 2 October, please refund the 49.90 EUR", "2026-11-01"),
        ("Ich habe die Ware am 2. Oktober zurückgeschickt, bitte 49,90 € erstatten", "2026-11-01"),
        ("I returned it on 2 October, please refund 49.90 EUR from 5 November", "2026-11-05"),
        ("From 1 November my payment should be 49.90 EUR", "2026-11-01"),
    ],
)
def test_a_return_date_is_not_the_effective_date(text, effective):
    slots = extract_slots(text, today=TUESDAY_20_OCT)
    adjustment = adjustment_for(refund_intent(), slots, "en", TUESDAY_20_OCT)
    assert adjustment["effective"] == effective


def suggest_received(*, subject="", body, received=None):
    intake = message_receive(
        from_email="ada@example.com", from_name="Ada", subject=subject, body=body
    )
    if received is not None:
        intake.case.messages.update(created_at=received)
    suggestion_create(case_id=intake.case.pk)
    intake.case.refresh_from_db()
    return intake.case.current_suggestion


def test_the_subject_names_the_order_even_with_a_typo(trained):
    suggestion = suggest_received(subject="Bestelung 4711-2231", body="Wo bleibt meine Lieferung?")
    assert suggestion.slots["order_number"] == "4711-2231"


def test_dates_are_read_as_of_the_day_the_message_came_in(trained):
    received = timezone.make_aware(datetime.datetime(2024, 10, 20, 9, 0))
    suggestion = suggest_received(
        body="Please deliver order 123456 from 1 November, not before.", received=received
    )
    assert suggestion.slots["dates"] == ["2024-11-01"]


def test_a_customer_asking_for_thursday_or_friday_is_offered_thursdays_and_fridays(trained):
    suggestion = suggest_received(
        body="Can you deliver order 123456 on another day? Thursday or Friday would suit me."
    )
    assert suggestion.intent.slug == "delivery_date_change"
    offered = [D.fromisoformat(option["id"]) for option in suggestion.options]
    assert len(offered) == 3 and {day.strftime("%A") for day in offered} == {"Thursday", "Friday"}
    assert min(offered) >= timezone.localdate() + datetime.timedelta(days=2)
    with translation.override("en"):
        assert suggestion.options[0]["label"].split()[0] in {"Thursday", "Friday"}
