"""Risk flags for polite, indirect and German phrasings, and none for routine messages.

The phrasings here are written for this test and are not among the model's training
examples (a test below holds that), so they measure what the model learnt, not what it saw.
"""

import pytest

from review.engine.risk_model import RiskModel, default_model, labelled_examples, sentences
from review.engine.risks import detect_risks, rule_risks

# (text, the flag it must raise). Many of these no pattern of the rules catches.
RISKY = [
    ("I will have no choice but to seek legal advice", "legal"),
    ("Ich sehe mich gezwungen, meinen Anwalt einzuschalten", "legal"),
    ("I may need to get professional legal help with this", "legal"),
    ("Should this continue, I will be talking to a solicitor", "legal"),
    ("Ich werde das anwaltlich prüfen lassen", "legal"),
    ("If this is not settled, my legal adviser will take it from here", "legal"),
    ("Ich behalte mir vor, weitere rechtliche Schritte zu prüfen", "legal"),
    ("I'd like to know what data you keep on me", "data_protection"),
    ("Which of my personal details have you stored?", "data_protection"),
    ("Bitte löschen Sie alle Angaben, die Sie über mich gespeichert haben", "data_protection"),
    ("Ich widerspreche der Weitergabe meiner Daten an Dritte", "data_protection"),
    ("I'm afraid I'll have to look for a different provider", "cancel_threat"),
    ("Ich denke darüber nach, zu kündigen", "cancel_threat"),
    ("This will be the last time I order from you", "cancel_threat"),
    ("Ich werde wohl zu einem anderen Anbieter gehen", "cancel_threat"),
    ("I'm really quite unhappy with how I was treated", "complaint"),
    ("Ich bin wirklich enttäuscht von Ihrem Kundendienst", "complaint"),
    ("Your customer service has been dreadful", "complaint"),
    ("Please could you reply today, it's quite pressing", "urgent"),
    ("Ich brauche bitte heute noch eine Antwort", "urgent"),
    ("The heating has failed and it is freezing, please send someone quickly", "urgent"),
]

# Routine messages, some with words near a risk ("advice", "Jurist", "data", "cancel").
ROUTINE = [
    "Where is my parcel? The tracking has not changed since Monday.",
    "Could you please advise me on the best plan for two people?",
    "My sister works for a firm of accountants and recommended you",
    "Mein Sohn, der Jurist ist, meinte, ich solle die letzte Abrechnung genau prüfen lassen, "
    "aber eigentlich sieht sie korrekt aus.",
    "I need to update my data: the new phone number is 0151 2345678",
    "Bitte aktualisieren Sie meine Bankverbindung",
    "Please cancel order 4711, I ordered it twice by mistake",
    "Thank you, all sorted now",
    "Kein Stress, das hat Zeit",
    "Can I have the invoice as a PDF?",
    "Könnten Sie mir die Rechnung als PDF schicken?",
    "I'd like to move my delivery to Friday",
    "Ich ziehe um und brauche einen neuen Liefertermin",
    "What does the green tariff cost per month?",
    "Die Waschmaschine ist gut angekommen, vielen Dank!",
]


@pytest.mark.parametrize(("text", "flag"), RISKY, ids=[text[:40] for text, _ in RISKY])
def test_polite_indirect_and_german_phrasings_are_flagged(text, flag):
    assert flag in detect_risks(text)


@pytest.mark.parametrize("text", ROUTINE, ids=[text[:40] for text in ROUTINE])
def test_routine_messages_are_not_flagged(text):
    assert detect_risks(text) == []


def test_the_model_finds_what_the_rules_miss():
    missed = [(text, flag) for text, flag in RISKY if flag not in rule_risks(text)]
    assert len(missed) >= 12  # the written corpus is mostly beyond the patterns
    assert all(flag in default_model().detect(text) for text, flag in missed)


def test_the_written_corpus_is_not_among_the_training_examples():
    trained = {" ".join(text.casefold().split()) for text, _ in labelled_examples()}
    written = [text for text, _ in RISKY] + ROUTINE
    assert not [text for text in written if " ".join(text.casefold().split()) in trained]


def test_one_threat_in_a_long_friendly_message_is_not_diluted():
    friendly = "Thank you for the lovely sofa, the delivery team were very kind. " * 10
    text = friendly + "That said, I will have no choice but to seek legal advice about the bill."
    assert "legal" in detect_risks(text)


@pytest.mark.parametrize("text", [t for t, _ in RISKY] + ROUTINE, ids=lambda t: t[:40])
def test_the_figures_are_each_regressions_own_to_the_last_bit(text):
    """One product for all flags (issue 16) reads exactly what `predict_proba` reads."""
    model = default_model()
    matrix = model.features.transform(sentences(text))
    assert model.probabilities(text) == {
        flag: float(regression.predict_proba(matrix)[:, 1].max())
        for flag, regression in model.models.items()
    }


def test_sentences_are_read_one_by_one_and_capped():
    assert sentences("One. Two!\n\nThree?  Four;five") == ["One.", "Two!", "Three?", "Four;five"]
    assert len(sentences("Hi. " * 1000)) == 60


def test_a_model_trained_on_other_examples_learns_those():
    model = RiskModel.fit(
        [
            ("the spaceship landed on my roof", ["alien"]),
            ("aliens took my cow last night", ["alien"]),
            ("where is my invoice", []),
            ("please send my order", []),
        ]
    )
    assert model.flags == ("alien",)
    assert model.detect("a spaceship took my cow") == ["alien"]
    assert model.detect("please send my invoice") == []
