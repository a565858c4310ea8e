"""Tests for the Django-free suggestion-engine core (no database needed)."""

from __future__ import annotations

import datetime
import io
import json

import joblib
import pytest

from review.engine.intent_classifier import IntentClassifier, Prediction
from review.engine.language import detect_language
from review.engine.risks import detect_risks
from review.engine.slots import extract_slots

# A Tuesday, so "next Monday" and "nächsten Montag" land on 2026-03-16.
TODAY = datetime.date(2026, 3, 10)

TRAINING_DATA: dict[str, list[str]] = {
    "order_status": [
        "Where is my order?",
        "My package has not arrived yet",
        "When will my parcel be delivered?",
        "Can you tell me the tracking status of my order",
        "Wo ist meine Bestellung?",
        "Mein Paket ist noch nicht angekommen",
        "Wann wird meine Lieferung zugestellt?",
        "Wie ist der Versandstatus meiner Bestellung",
    ],
    "cancel_contract": [
        "I want to cancel my contract",
        "Please terminate my subscription",
        "How do I end my membership",
        "Cancel my contract at the next possible date",
        "Ich möchte meinen Vertrag kündigen",
        "Bitte kündigen Sie mein Abo",
        "Hiermit kündige ich meine Mitgliedschaft",
        "Kündigung zum nächstmöglichen Termin",
    ],
    "refund": [
        "I want my money back",
        "Please refund the amount I paid",
        "When do I get my refund?",
        "I was charged twice, please reimburse me",
        "Ich möchte mein Geld zurück",
        "Bitte erstatten Sie mir den Betrag",
        "Wann bekomme ich meine Rückerstattung?",
        "Mir wurde doppelt abgebucht, bitte Geld erstatten",
    ],
    "address_change": [
        "I have moved, please update my address",
        "Change my delivery address",
        "My new address is Main Street 5",
        "Please correct my postal address",
        "Ich bin umgezogen, bitte Adresse ändern",
        "Bitte ändern Sie meine Lieferadresse",
        "Meine neue Anschrift lautet Hauptstraße 5",
        "Adressänderung für mein Kundenkonto",
    ],
}
TEXTS = [text for texts in TRAINING_DATA.values() for text in texts]
LABELS = [label for label, texts in TRAINING_DATA.items() for _ in texts]


@pytest.fixture(scope="module")
def classifier() -> IntentClassifier:
    return IntentClassifier.fit(TEXTS, LABELS, seed=0)


# --- classifier --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Where is my parcel? It has not arrived", "order_status"),
        ("Wo bleibt mein Paket?", "order_status"),
        ("I would like to cancel my subscription", "cancel_contract"),
        ("Ich will meinen Vertrag kündigen", "cancel_contract"),
        ("Please give me a refund", "refund"),
        ("Ich möchte eine Rückerstattung", "refund"),
        ("Please update my address, I moved", "address_change"),
        ("Neue Adresse: bitte ändern", "address_change"),
    ],
)
def test_classifier_predicts_held_out_phrasing(
    classifier: IntentClassifier, text: str, intent: str
) -> None:
    assert classifier.predict_one(text).intent == intent


def test_confidences_are_probabilities_and_top_one_matches_intent(
    classifier: IntentClassifier,
) -> None:
    for prediction in classifier.predict([*TEXTS, "", "???", "x" * 5000]):
        assert 0.0 < prediction.confidence <= 1.0
        for _, probability in prediction.alternatives:
            assert 0.0 < probability <= prediction.confidence
        assert prediction.intent not in {label for label, _ in prediction.alternatives}
        total = prediction.confidence + sum(p for _, p in prediction.alternatives)
        # Four classes: the top intent plus three alternatives cover all probability mass.
        assert total == pytest.approx(1.0)


def test_alternatives_are_the_next_three_sorted_descending(classifier: IntentClassifier) -> None:
    prediction = classifier.predict_one("Where is my refund for the cancelled order?")
    probabilities = [p for _, p in prediction.alternatives]
    assert len(prediction.alternatives) == 3
    assert probabilities == sorted(probabilities, reverse=True)


def test_predict_keeps_input_order_and_handles_empty_input(classifier: IntentClassifier) -> None:
    texts = ["Wo ist meine Bestellung?", "I want my money back"]
    assert classifier.predict(texts) == [classifier.predict_one(t) for t in texts]
    assert classifier.predict([]) == []


def test_prediction_is_frozen(classifier: IntentClassifier) -> None:
    prediction = classifier.predict_one("Where is my order?")
    assert isinstance(prediction, Prediction)
    with pytest.raises(AttributeError):
        prediction.intent = "other"  # type: ignore[misc]


def test_fitting_twice_gives_identical_predictions(classifier: IntentClassifier) -> None:
    again = IntentClassifier.fit(TEXTS, LABELS, seed=0)
    assert again.predict(TEXTS) == classifier.predict(TEXTS)
    assert again.metrics == classifier.metrics


def test_round_trip_through_bytes_gives_identical_predictions(
    classifier: IntentClassifier,
) -> None:
    restored = IntentClassifier.from_bytes(classifier.to_bytes())
    assert restored.predict(TEXTS) == classifier.predict(TEXTS)
    assert restored.labels == classifier.labels
    assert restored.metrics == classifier.metrics


@pytest.mark.parametrize("version", [0, 2, None, "1"])
def test_unknown_format_version_is_refused(classifier: IntentClassifier, version: object) -> None:
    buffer = io.BytesIO(classifier.to_bytes())
    payload = joblib.load(buffer)
    payload["format_version"] = version
    tampered = io.BytesIO()
    joblib.dump(payload, tampered)
    with pytest.raises(ValueError, match="format version"):
        IntentClassifier.from_bytes(tampered.getvalue())


@pytest.mark.parametrize(
    ("texts", "labels", "message"),
    [
        (["a b", "c d"], ["x", "x"], "at least 2 distinct labels"),
        ([], [], "at least 2 distinct labels"),
        (["a b", "c d"], ["x"], "2 texts but 1 labels"),
    ],
)
def test_invalid_training_data_is_refused(
    texts: list[str], labels: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        IntentClassifier.fit(texts, labels)


def test_metrics_record_temperature_and_calibration(classifier: IntentClassifier) -> None:
    metrics = classifier.metrics
    assert metrics["calibration"] == "holdout"
    assert metrics["temperature"] > 0
    assert 0.0 <= metrics["ece_before"] <= 1.0
    assert 0.0 <= metrics["ece_after"] <= 1.0
    assert 0.0 <= metrics["accuracy"] <= 1.0
    assert 0.0 <= metrics["macro_f1"] <= 1.0
    assert metrics["n_train"] + metrics["n_holdout"] == len(TEXTS)
    assert metrics["n_classes"] == 4
    assert metrics["labels"] == sorted(TRAINING_DATA)
    assert json.loads(json.dumps(metrics)) == metrics


def test_tiny_two_class_dataset_is_learned() -> None:
    texts = ["where is my order", "wo ist mein paket", "parcel missing", "lieferung fehlt"]
    texts += ["cancel my contract", "vertrag kündigen", "end subscription", "abo beenden"]
    labels = ["track"] * 4 + ["cancel"] * 4
    model = IntentClassifier.fit(texts, labels)
    prediction = model.predict_one("please cancel my contract")
    assert prediction.intent == "cancel"
    assert prediction.alternatives[0][0] == "track"
    assert len(prediction.alternatives) == 1


def test_singleton_class_skips_calibration_with_unit_temperature() -> None:
    model = IntentClassifier.fit(["order late", "where is order", "refund please"], ["a", "a", "b"])
    assert model.metrics["temperature"] == 1.0
    assert model.metrics["calibration"].startswith("skipped")
    assert model.metrics["n_holdout"] == 0


# --- language ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Wo ist meine Bestellung?", "de"),
        ("Where is my order?", "en"),
        ("Ich möchte kündigen", "de"),
        ("Kündigung", "de"),
        ("Hallo, mein Paket ist nicht da", "de"),
        ("Sehr geehrte Damen und Herren, bitte um Rückruf", "de"),
        ("Hi, I want a refund please", "en"),
        ("My contract was cancelled without notice", "en"),
        ("Dear Sir or Madam, please send the invoice", "en"),
        ("Rechnung", "de"),
    ],
)
def test_language_is_detected(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(("text", "default"), [("", "en"), ("12345", "de"), ("?!", "en")])
def test_language_falls_back_to_default_without_signal(text: str, default: str) -> None:
    assert detect_language(text, default=default) == default


# --- slots -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Where is order 123456?", {"order_number": "123456"}),
        ("Re: order #A-12345", {"order_number": "A-12345"}),
        ("Meine Bestellung 778899 fehlt", {"order_number": "778899"}),
        ("Bestellnummer: 12345678", {"order_number": "12345678"}),
        ("Auftragsnummer 4455-77", {"order_number": "4455-77"}),
        ("My order number is #B-9001.", {"order_number": "B-9001"}),
        ("contract no. V-2024-118", {"contract_number": "V-2024-118"}),
        ("Vertragsnummer 55512", {"contract_number": "55512"}),
        ("Kundennummer 12345", {"customer_number": "12345"}),
        ("Kunden-Nr. 98765", {"customer_number": "98765"}),
        ("The order no longer arrives", {}),
        ("Lieferung am 2026-03-12", {"dates": ["2026-03-12"]}),
        ("Termin 12.03.2026 oder 12/03/2026", {"dates": ["2026-03-12"]}),
        ("am 12.3. bitte", {"dates": ["2026-03-12"]}),
        ("bis zum 5.1. bitte", {"dates": ["2027-01-05"]}),
        ("on 12 March 2026 and March 14", {"dates": ["2026-03-12", "2026-03-14"]}),
        ("am 12. März 2026 oder am 3. Mai", {"dates": ["2026-03-12", "2026-05-03"]}),
        ("Dec 24th or 1st of Jan. 2027", {"dates": ["2026-12-24", "2027-01-01"]}),
        ("bis 1. Okt. oder 2. Dez.", {"dates": ["2026-10-01", "2026-12-02"]}),
        ("tomorrow or the day after tomorrow", {"dates": ["2026-03-11", "2026-03-12"]}),
        ("morgen oder übermorgen", {"dates": ["2026-03-11", "2026-03-12"]}),
        ("Guten Morgen, heute Morgen kam nichts", {}),
        ("next Monday please", {"dates": ["2026-03-16"]}),
        ("nächsten Montag oder kommenden Freitag", {"dates": ["2026-03-16", "2026-03-13"]}),
        ("am 31.02.2026 oder 30.2.", {}),
        ("am 29.02.", {"dates": ["2028-02-29"]}),
        ("IP 192.168.1.1, version 1.2.3", {}),
        ("€ 12,50", {"amounts": [{"value": "12.50", "currency": "EUR"}]}),
        ("Es kostet 12,50 €.", {"amounts": [{"value": "12.50", "currency": "EUR"}]}),
        ("12.50 EUR", {"amounts": [{"value": "12.50", "currency": "EUR"}]}),
        ("EUR 1.234,56", {"amounts": [{"value": "1234.56", "currency": "EUR"}]}),
        ("Zahlung von 1.000.000,00 EUR", {"amounts": [{"value": "1000000.00", "currency": "EUR"}]}),
        ("1.234 EUR", {"amounts": [{"value": "1234.00", "currency": "EUR"}]}),
        ("$40 or 40 dollars", {"amounts": [{"value": "40.00", "currency": "USD"}] * 2}),
        (
            "120 Euro und 50,- €",
            {
                "amounts": [
                    {"value": "120.00", "currency": "EUR"},
                    {"value": "50.00", "currency": "EUR"},
                ]
            },
        ),
        ("The parcel weighs 5 pounds", {}),
        ("Write to Jane.Doe+cs@mail.example.de.", {"email": "Jane.Doe+cs@mail.example.de"}),
        ("IBAN DE89 3704 0044 0532 0130 00", {"iban": "DE89370400440532013000"}),
        ("IBAN DE89 3704 0044 0532 0130 01", {}),
        (
            "Bestellung 778899 vom 3. Mai, 12,50 € zurück an max@example.com",
            {
                "order_number": "778899",
                # An order "vom 3. Mai" read on 10 March was placed last May.
                "dates": ["2025-05-03"],
                "past_dates": ["2025-05-03"],
                "amounts": [{"value": "12.50", "currency": "EUR"}],
                "email": "max@example.com",
            },
        ),
        ("", {}),
        ("\x00\x00order 1234\x00", {"order_number": "1234"}),
    ],
)
def test_slots_are_extracted(text: str, expected: dict) -> None:
    assert extract_slots(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "x" * 1_000_000,
        "1." * 500_000,
        "€1" * 500_000,
        "a@" * 500_000,
        "order " * 200_000,
        "\x00" * 1_000_000,
        "\ud800\U0010ffff\u202e" * 100_000,
    ],
    ids=["letters", "dotted-digits", "euro-digits", "at-signs", "keywords", "nul", "odd-unicode"],
)
def test_huge_or_odd_input_does_not_crash(text: str) -> None:
    slots = extract_slots(text, today=TODAY)
    json.dumps(slots)
    detect_risks(text)
    detect_language(text)


def test_slots_default_to_today_for_relative_dates() -> None:
    assert extract_slots("tomorrow")["dates"] == [
        (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    ]


# --- risks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("I will forward this to my lawyer", ["legal"]),
        ("We will sue you and take you to court", ["legal"]),
        ("Ich verklage Sie", ["legal"]),
        ("Mein Rechtsanwalt hat bereits eine Klage vorbereitet", ["legal"]),
        ("Notfalls kläre ich das gerichtlich", ["legal"]),
        ("Ich habe mich an die Verbraucherzentrale gewandt", ["legal"]),
        ("Ich verlange Auskunft über meine Daten nach Art. 15 DSGVO", ["data_protection"]),
        ("Please delete my personal data under the GDPR", ["data_protection"]),
        ("Ich fordere die Löschung meiner Daten", ["data_protection"]),
        ("I want to cancel my mobile contract", ["cancel_threat"]),
        ("Hiermit kündige ich meinen Vertrag", ["cancel_threat"]),
        ("Ich habe bereits gekündigt", ["cancel_threat"]),
        ("If this goes on I'm leaving and switch provider", ["cancel_threat"]),
        ("Dann werde ich den Anbieter wechseln", ["cancel_threat"]),
        ("This is unacceptable, I want to file a complaint", ["complaint"]),
        ("Eine Frechheit! Ich beschwere mich", ["complaint"]),
        ("Das ist unverschämt und inakzeptabel", ["complaint"]),
        ("URGENT: please call me ASAP", ["urgent"]),
        ("Bitte dringend und sofort erledigen", ["urgent"]),
        (
            "Unacceptable! Cancel my subscription immediately or my attorney will sue",
            ["cancel_threat", "complaint", "legal", "urgent"],
        ),
        ("Please send me my invoice", []),
        ("I want to cancel my order", []),
        ("This is not urgent", []),
        ("Die Preiserhöhung wurde angekündigt", []),
        ("Das Schreiben ist an Sie gerichtet", []),
        ("Ich habe per Sofortüberweisung bezahlt", []),
        ("Thanks for the courtesy, great court-side seats", []),
        ("", []),
    ],
)
def test_risk_flags_are_detected(text: str, flags: list[str]) -> None:
    assert detect_risks(text) == flags
