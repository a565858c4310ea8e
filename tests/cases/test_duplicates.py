"""Duplicates: intake marks the same message again, routing sends it to a person, and a merge
moves the messages, closes the duplicate and records it on both cases (docs/bulk.md)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.duplicates import earlier_duplicate, normalised, same_text
from cases.intake import message_receive
from cases.models import Case, CaseEvent, Message, State
from cases.transitions import (
    Actor,
    InvalidPayload,
    TransitionConflict,
    TransitionForbidden,
    case_transition,
)
from customers.models import ConfirmationRequest
from review.models import ReviewItem
from review.reasons import explain
from tests.cases.test_workspace import HTMX, login
from tests.factories import CaseFactory, CustomerFactory, MessageFactory, case_in
from tests.review.test_suggest import trained  # noqa: F401 (a fixture)

# Same thing or not, as the conservative rule reads it.
TEXTS = [
    ("Where is my order 123456?", "  where IS my\norder 123456? ", True),
    ("Where is my order 123456?", "Where is my order 123457?", False),  # short: exact only
    (
        "My heat pump makes a loud noise every night since the service on Monday, please help.",
        "My heat pump makes a loud noise every night since the service on Monday, please help!",
        True,
    ),
    (
        "My heat pump makes a loud noise every night since the service on Monday, please help.",
        "My heat pump is silent now, thanks for the service on Monday, all good, no help needed.",
        False,
    ),
    ("", "", False),
]


@pytest.mark.parametrize(("a", "b", "same"), TEXTS)
def test_same_text_is_equal_after_normalising_or_nearly_equal_when_long(a, b, same):
    assert same_text(normalised(a), normalised(b)) is same


def receive(body, email="ada@example.com", **kwargs):
    return message_receive(from_email=email, from_name="Ada", body=body, **kwargs).case


def case_merge(*, reference, into, actor):
    """Merge through the one path, as the workspace and the API do."""
    return case_transition(reference=reference, name="merge", actor=actor, payload={"into": into})


def test_the_same_message_twice_is_marked_as_a_duplicate_of_the_first(db):
    first = receive("Where is my order 123456?")
    second = receive("where is my  order 123456?")
    assert (first.duplicate_of, second.duplicate_of) == (None, first)


@pytest.mark.parametrize(
    ("case", "marked"),
    [
        ("another customer", False),
        ("outside the window", False),
        ("first closed", False),
        ("automatic", False),
        ("different text", False),
    ],
)
def test_what_is_not_a_duplicate(db, settings, case, marked):
    settings.DUPLICATE_WINDOW_HOURS = 24
    first = receive("Where is my order 123456?")
    kwargs = {}
    body = "Where is my order 123456?"
    if case == "outside the window":
        Case.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=25))
    if case == "first closed":
        Case.objects.filter(pk=first.pk).update(state=State.CLOSED)
    if case == "automatic":
        kwargs["automatic"] = "auto_replied"
    if case == "different text":
        body = "Please cancel my contract."
    email = "bo@example.com" if case == "another customer" else "ada@example.com"
    second = receive(body, email=email, **kwargs)
    assert (second.duplicate_of is not None) is marked


def test_only_the_first_of_the_same_message_twice_is_answered_automatically(
    trained,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = receive("Hello, where is my order 654321? It has not arrived.")
    with django_capture_on_commit_callbacks(execute=True):
        second = receive("Hello, where is my order 654321? It has not arrived.")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == State.RESOLVED
    assert second.state == State.IN_REVIEW
    assert second.current_suggestion.reason_codes == ["duplicate"]
    assert not second.current_suggestion.automatable
    assert ReviewItem.objects.get(case=second).reason_codes == ["duplicate"]
    outbound = Message.objects.filter(direction=Message.Direction.OUTBOUND)
    assert list(outbound.values_list("case", flat=True)) == [first.pk]


def test_the_duplicate_reason_has_plain_words(db):
    assert explain("duplicate") == (
        "the customer sent the same message shortly before: probably a duplicate to merge"
    )


# Merging.


@pytest.fixture
def pair(db):
    """The same customer's case, and its duplicate in review with a file on its message."""
    kept = case_in(State.IN_REVIEW)
    duplicate = case_in(State.IN_REVIEW)
    Case.objects.filter(pk=duplicate.pk).update(customer=kept.customer, duplicate_of=kept)
    duplicate.refresh_from_db()
    ReviewItem.objects.create(case=duplicate, suggestion=duplicate.current_suggestion)
    return kept, duplicate


def test_a_merge_moves_the_messages_closes_the_duplicate_and_records_both(pair, agent):
    kept, duplicate = pair
    moved = list(duplicate.messages.values_list("pk", flat=True))
    event = case_merge(reference=duplicate.reference, into=kept.reference, actor=Actor.staff(agent))
    duplicate.refresh_from_db()
    assert (duplicate.state, duplicate.merged_into, duplicate.closed_at is not None) == (
        State.CLOSED,
        kept,
        True,
    )
    assert set(kept.messages.values_list("pk", flat=True)) >= set(moved)
    assert not duplicate.messages.exists()
    assert (event.name, event.from_state, event.to_state) == ("merge", "in_review", "closed")
    assert event.label == f"Merged into {kept.reference}"
    on_kept = CaseEvent.objects.filter(case=kept).last()
    assert (on_kept.name, on_kept.data["from"], on_kept.label) == (
        "merged_from",
        duplicate.reference,
        f"Merged from {duplicate.reference}",
    )
    assert ReviewItem.objects.get(case=duplicate).decision == "merged"


def test_attachments_travel_with_their_messages(pair, agent, settings, tmp_path):
    from cases.mail.attachments import ParsedAttachment
    from cases.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    kept, duplicate = pair
    message = duplicate.messages.first()
    item = ParsedAttachment(
        filename="photo.png", declared_type="image/png", content_type="image/png", data=b"PNG"
    )
    Attachment.store(message=message, item=item)
    case_merge(reference=duplicate.reference, into=kept.reference, actor=Actor.staff(agent))
    assert Attachment.objects.get().message.case == kept


def refusal(duplicate, into, actor):
    before = (
        CaseEvent.objects.count(),
        sorted(Message.objects.values_list("pk", "case_id")),
    )
    with pytest.raises((InvalidPayload, TransitionConflict, TransitionForbidden)) as refused:
        case_merge(reference=duplicate.reference, into=into, actor=actor)
    duplicate.refresh_from_db()
    assert duplicate.state != State.CLOSED and duplicate.merged_into is None
    assert before == (
        CaseEvent.objects.count(),
        sorted(Message.objects.values_list("pk", "case_id")),
    )
    return refused.value


REFUSALS = [
    ("itself", 400, "A case cannot be merged into itself."),
    (
        "another customer",
        400,
        "{kept} belongs to another customer: only one customer's cases merge.",
    ),
    ("closed target", 409, "{kept} is closed: merge into a case that is still open."),
    ("unknown", 400, "There is no case ZZZZZZZZ."),
    ("awaiting the customer", 409, "merge is not possible while the case is Awaiting customer."),
    ("new", 409, "merge is not possible while the case is New."),
    ("escalated, as an agent", 403, "Escalated cases are decided by a supervisor."),
]


@pytest.mark.parametrize(("why", "status", "message"), REFUSALS)
def test_a_merge_that_makes_no_sense_is_refused_and_changes_nothing(
    pair, agent, why, status, message
):
    kept, duplicate = pair
    into = kept.reference
    if why == "itself":
        into = duplicate.reference
    elif why == "another customer":
        Case.objects.filter(pk=kept.pk).update(customer=CustomerFactory())
    elif why == "closed target":
        Case.objects.filter(pk=kept.pk).update(state=State.CLOSED)
    elif why == "unknown":
        into = "ZZZZZZZZ"
    elif why == "awaiting the customer":
        Case.objects.filter(pk=duplicate.pk).update(state=State.AWAITING_CUSTOMER)
        ConfirmationRequest.issue(
            case=duplicate, kind="choose", options=[{"id": "a", "label": "Mo"}]
        )
    elif why == "new":
        Case.objects.filter(pk=duplicate.pk).update(state=State.NEW)
    elif why == "escalated, as an agent":
        Case.objects.filter(pk=duplicate.pk).update(state=State.ESCALATED)
    error = refusal(duplicate, into, Actor.staff(agent))
    assert error.status == status
    assert error.message == message.format(kept=kept.reference)


# The case page.


def test_the_newer_case_page_suggests_the_merge_and_the_button_merges(client, agent, pair):
    kept, duplicate = pair
    login(client, agent)
    content = client.get(f"/cases/{duplicate.reference}/").content.decode()
    assert f"This looks like a duplicate of {kept.reference}." in content
    assert f'<input type="hidden" name="into" value="{kept.reference}">' in content
    assert f"Merge into {kept.reference}</button>" in content
    response = client.post(f"/cases/{duplicate.reference}/merge/", {"into": kept.reference}, **HTMX)
    content = response.content.decode()
    assert f"Merged into {kept.reference}: its messages are there now." in content
    assert f"Merged into {kept.reference}: its messages are there." in content
    assert "This looks like a duplicate" not in content
    kept_page = client.get(f"/cases/{kept.reference}/").content.decode()
    assert f"Merged from {duplicate.reference}" in kept_page


def test_the_older_case_page_suggests_nothing(client, agent, pair):
    kept, _ = pair
    login(client, agent)
    assert "duplicate" not in client.get(f"/cases/{kept.reference}/").content.decode()


def test_a_refused_merge_says_why_on_the_page(client, agent, pair):
    kept, duplicate = pair
    Case.objects.filter(pk=kept.pk).update(state=State.CLOSED)
    login(client, agent)
    response = client.post(f"/cases/{duplicate.reference}/merge/", {"into": kept.reference})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"{kept.reference} is closed: merge into a case that is still open." in page


def test_anonymous_merges_nothing(client, pair):
    kept, duplicate = pair
    response = client.post(f"/cases/{duplicate.reference}/merge/", {"into": kept.reference})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    duplicate.refresh_from_db()
    assert duplicate.state == State.IN_REVIEW


def test_a_merge_as_supervisor_of_an_escalated_duplicate_works(client, supervisor, pair):
    kept, duplicate = pair
    Case.objects.filter(pk=duplicate.pk).update(state=State.ESCALATED)
    login(client, supervisor)
    client.post(f"/cases/{duplicate.reference}/merge/", {"into": kept.reference}, **HTMX)
    duplicate.refresh_from_db()
    assert (duplicate.state, duplicate.merged_into) == (State.CLOSED, kept)


def test_earlier_duplicate_ignores_the_case_itself(db):
    case = CaseFactory()
    MessageFactory(case=case, text="Same text")
    assert earlier_duplicate(case.customer, "same text", exclude=case) is None
    assert earlier_duplicate(case.customer, "same text") == case


def mail(message_id: str, body: str) -> bytes:
    return (
        "From: Ada Lovelace <ada@example.com>\r\nTo: support@example.com\r\n"
        f"Subject: My order\r\nMessage-ID: <{message_id}@example.com>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def test_the_same_email_sent_twice_is_marked_on_the_mail_path_too(db):
    from cases.mail.intake import email_ingest

    first = email_ingest(mail("one", "Where is my order 123456?"), source="test").case
    again = email_ingest(mail("one", "Where is my order 123456?"), source="test").case
    second = email_ingest(mail("two", "Where is my order  123456?"), source="test").case
    assert again == first  # the same Message-ID is one message (not a duplicate case)
    assert (first.duplicate_of, second.duplicate_of) == (None, first)
