"""Evidence before automation: a message too thin to carry its intent is never automated."""

import pytest
from django.utils import translation

from cases.models import State
from review.engine.substance import REPETITIVE, TOO_SHORT, insufficient, repeated_share, words
from review.policy import route
from review.reasons import explain
from tests.review import test_suggest
from tests.review.test_policy import intent

# The trained demo-sized model and the intake of test_suggest, shared as they are.
trained = test_suggest.trained
receive = test_suggest.receive
SENTENCE = "Where is my order 654321? It has not arrived. "


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rechnung?", TOO_SHORT),
        ("", TOO_SHORT),
        ("?!?", TOO_SHORT),
        ("Invoice please", TOO_SHORT),
        ("Hallo??? Hallo???", TOO_SHORT),
        ("Order\nRechnung?", TOO_SHORT),
        ("Re: AW: [#K7Q2M9XD]\nRechnung?", TOO_SHORT),
        (SENTENCE * 400, REPETITIVE),
        ("Bitte stornieren Sie meine Bestellung 4711-2231. " * 3, REPETITIVE),
        ("Where is order 4711-2231?", None),
        ("Rechnung 4711 fehlt", None),
        (SENTENCE, None),
        (SENTENCE * 2, None),  # a sentence said twice is emphasis, not a pasted wall
        (
            "Hello, my bookshelf is booked for next Tuesday, but I have to travel that day. "
            "Could you move it to Thursday or Friday? Afternoons would be best. Thanks a lot, "
            "and sorry for the trouble: the order number is A-24117, and I can be reached on "
            "my mobile any time before noon.",
            None,
        ),
    ],
    ids=[
        "one-word",
        "empty",
        "punctuation",
        "two-words",
        "one-word-twice",
        "subject-and-one-word",
        "reply-prefixes-and-reference",
        "sentence-400-times",
        "sentence-3-times",
        "short-with-number",
        "three-german-words",
        "one-sentence",
        "sentence-twice",
        "ordinary-long-message",
    ],
)
def test_thin_messages_are_recognised(text, expected):
    assert insufficient(text) == expected


def test_words_keep_reference_numbers_whole_and_fold_case():
    assert words("Bestellung 4711-2231, BITTE!") == ["bestellung", "4711-2231", "bitte"]


def test_repeated_share_counts_runs_seen_before():
    assert repeated_share(["a", "b", "c", "d", "a", "b", "c", "d"]) == pytest.approx(1 - 4 / 5)
    assert repeated_share(["a", "b", "c"]) == 0.0


@pytest.mark.parametrize("code", [TOO_SHORT, REPETITIVE])
def test_a_thin_message_is_never_automated_even_at_full_confidence(code):
    routing = route_at(confidence=1.0, insufficient_text=code)
    assert not routing.automatable
    assert routing.reason_codes == (code,)


def test_a_thin_message_out_of_scope_says_both():
    routing = route_at(confidence=0.1, insufficient_text=TOO_SHORT)
    assert routing.reason_codes == ("out_of_scope", TOO_SHORT)


def test_without_the_evidence_reason_the_same_suggestion_automates():
    assert route_at(confidence=1.0, insufficient_text=None).automatable


def route_at(*, confidence, insufficient_text):
    return route(
        intent=intent(),
        confidence=confidence,
        slots={},
        risk_flags=[],
        out_of_scope_threshold=0.4,
        sample_key="case:1",
        insufficient_text=insufficient_text,
    )


@pytest.mark.parametrize(
    ("code", "words_shown"),
    [
        (TOO_SHORT, "the message is too short to tell what the customer wants"),
        (REPETITIVE, "the message repeats itself too much to tell what the customer wants"),
    ],
)
def test_the_reason_is_told_in_words(code, words_shown):
    with translation.override("en"):
        assert explain(code) == f"{words_shown}: the AI never acts on it alone"


def test_rechnung_alone_goes_to_a_person_and_the_case_page_says_why(trained, client, agent):
    case = receive("Rechnung?")
    suggestion = case.current_suggestion
    assert case.state == State.IN_REVIEW and not suggestion.automatable
    assert TOO_SHORT in suggestion.reason_codes
    client.force_login(agent)
    content = client.get(f"/cases/{case.reference}/").content.decode()
    assert "The message is too short to tell what the customer wants" in content


def test_a_sentence_pasted_400_times_goes_to_a_person(trained):
    case = receive(SENTENCE * 400)
    suggestion = case.current_suggestion
    assert suggestion.intent.slug == "order_status"
    assert case.state == State.IN_REVIEW and not suggestion.automatable
    assert REPETITIVE in suggestion.reason_codes
    assert not case.messages.filter(direction="out").exists()


def test_the_same_sentence_once_is_answered_alone(trained):
    case = receive(SENTENCE)
    assert case.state == State.RESOLVED
