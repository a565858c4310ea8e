"""The change a customer confirms is stated: the new address, tariff or amount, taken from their
message, or a blank a person fills in. Nothing is confirmed that is only named."""

import datetime

import pytest
from django.utils import translation

from cases.blanks import slot_label
from cases.formats import adjustment_items, value_text
from review.engine.changes import find_address, find_tariff
from review.engine.slots import extract_slots
from review.models import Intent
from review.suggest import adjustment_for

TODAY = datetime.date(2026, 12, 5)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Neu: Kornblumenweg 14, 30159 Hannover. Danke!", "Kornblumenweg 14, 30159 Hannover"),
        ("Demir Haustechnik, Werkstraße 5, 45127 Essen. Die", "Werkstraße 5, 45127 Essen"),
        ("wir ziehen in die Birkenstraße 22, 01307 Dresden.", "Birkenstraße 22, 01307 Dresden"),
        ("Neue Adresse: Berliner Straße 5a, 10115 Berlin", "Berliner Straße 5a, 10115 Berlin"),
        ("Am Markt 3, 04109 Leipzig", "Am Markt 3, 04109 Leipzig"),
        ("Zeil 5, 60313 Frankfurt am Main.", "Zeil 5, 60313 Frankfurt am Main"),
        ("please use 12 Hawthorn Road, Leeds LS8 2JP for both", "12 Hawthorn Road, Leeds LS8 2JP"),
        ("I've moved to 3 Larch Court, Norwich NR2 4QA. Please", "3 Larch Court, Norwich NR2 4QA"),
        ("flat: Flat 2, 8 Quarry Lane, Bath BA1 5LT, on", "Flat 2, 8 Quarry Lane, Bath BA1 5LT"),
        # A street without a town is not an address a letter reaches: a person asks.
        ("Please change my address to Gartenweg 12 in Hamburg", None),
        ("Order 4711-2231 from 12.03.2026 costs 89,95 €", None),
    ],
)  # fmt: skip
def test_a_written_out_address_is_taken_as_written(text, address):
    assert find_address(text) == address


@pytest.mark.parametrize(
    ("text", "tariff"),
    [
        ("Bitte stellen Sie mich auf den Tarif Basis 50 um.", "Basis 50"),
        ("I'd like to move to the Eco Plus tariff from next month", "Eco Plus"),
        ("Ich möchte in den Ökostrom-Tarif wechseln", "Ökostrom"),
        ('Please switch me to tariff "Power Flex".', "Power Flex"),
        ("Den Tarif „Strom Fix 24“ bitte", "Strom Fix 24"),
        # Unnamed, or a word that only looks like a name: nothing is guessed.
        ("Is it possible to switch from the standard tariff to the night tariff?", None),
        ("switch to your green electricity tariff", None),
        ("Ich möchte meinen Tarif Ende des Monats ändern", None),
        ("Den Tarif bitte ändern", None),
        ("the tariff I have is too expensive", None),
    ],
)
def test_a_named_tariff_is_taken_and_nothing_else(text, tariff):
    assert find_tariff(text) == tariff


def test_from_one_amount_to_another_is_a_change_of_amount():
    slots = extract_slots("Ich möchte meinen Abschlag von 95 € auf 80 € senken.", today=TODAY)
    assert slots["amount_change"] == {
        "from": {"value": "95.00", "currency": "EUR"},
        "to": {"value": "80.00", "currency": "EUR"},
    }
    assert "amount_change" not in extract_slots("I paid €95 and €80 last month.", today=TODAY)


def intent(slug="contract_adjustment", required=()):
    return Intent(
        slug=slug,
        name="Contract adjustment",
        name_de="Vertragsanpassung",
        required_slots=list(required),
    )


@pytest.mark.parametrize(
    ("text", "required", "expected"),
    [
        (
            "Bitte auf den Tarif Basis 50 umstellen, Vertrag V-2022-118, ab 1. Januar 2027.",
            ["contract_number"],
            [
                ("Änderung", "Vertragsanpassung"),
                ("Neuer Tarif", "Basis 50"),
                ("Gültig ab", "Freitag, 1. Januar 2027"),
                ("Vertragsnummer", "V-2022-118"),
            ],
        ),
        (
            "Abschlag von 95 € auf 80 € senken. Vertragsnummer V-2024-118.",
            ["contract_number"],
            [
                ("Änderung", "Vertragsanpassung"),
                ("Betrag", "80,00 €"),
                ("Statt", "95,00 €"),
                ("Gültig ab", "Freitag, 1. Januar 2027"),
                ("Vertragsnummer", "V-2024-118"),
            ],
        ),
        (
            "Neue Adresse: Lindenstraße 12, 10969 Berlin.",
            ["address"],
            [
                ("Änderung", "Vertragsanpassung"),
                ("Neue Anschrift", "Lindenstraße 12, 10969 Berlin"),
                ("Gültig ab", "Freitag, 1. Januar 2027"),
            ],
        ),
        # Named only: the required address is a blank a person fills in ...
        (
            "Ich bin umgezogen, bitte ändern.",
            ["address"],
            [
                ("Änderung", "Vertragsanpassung"),
                ("Neue Anschrift", "____"),
                ("Gültig ab", "Freitag, 1. Januar 2027"),
            ],
        ),
        # ... and so is the description of the change, where nothing concrete was taken.
        (
            "Ich möchte in den günstigeren Tarif wechseln. Vertrag V-2024-118.",
            ["contract_number"],
            [
                ("Änderung", "Vertragsanpassung"),
                ("Beschreibung der Änderung", "____"),
                ("Gültig ab", "Freitag, 1. Januar 2027"),
                ("Vertragsnummer", "V-2024-118"),
            ],
        ),
    ],
)
def test_the_adjustment_states_the_change_or_leaves_a_blank(text, required, expected):
    slots = extract_slots(text, today=TODAY)
    adjustment = adjustment_for(intent(required=required), slots, "de", TODAY)
    with translation.override("de"):
        shown = [(slot_label(k), value_text(v)) for k, v in adjustment_items(adjustment)]
    assert shown == expected
