"""Export and erasure of a customer, as admin actions: the export is complete; the erasure
leaves their name and address in no text column of any table, and keeps the case history."""

import base64
import json

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from django.urls import reverse

from cases import personal_data
from cases.intake import message_receive
from cases.models import (
    ActionKind,
    Attachment,
    Case,
    CaseEvent,
    IdempotencyKey,
    Message,
    QuarantinedEmail,
    State,
    WebhookDelivery,
    WebhookEndpoint,
)
from cases.transitions import Actor, case_transition
from customers.models import ConfirmationRequest, Customer, EmailOutbox
from customers.privacy import ERASED, NOT_EXPORTED, ExportEncoder, customer_erase
from customers.services import confirmation_decide
from review.models import (
    Approval,
    AuditEntry,
    ReviewItem,
    Suggestion,
    TrainingExample,
)
from tests.factories import IntentFactory, SuggestionFactory, UserFactory

NAME = "Zelda Quistorp-Marchetti"
EMAIL = "zelda.qm@example.org"
IBAN = "DE89370400440532013000"
PERSONAL = [NAME, "Quistorp", EMAIL, "zelda.qm", IBAN]


def routed(case, message, intent, **fields):
    """A suggestion for the message that needs a human, and the routing to review."""
    suggestion = SuggestionFactory(
        case=case,
        message=message,
        intent=intent,
        action=intent.action,
        automatable=False,
        reason_codes=["low_confidence"],
        slots={"order_number": "123456", "emails": [EMAIL], "iban": IBAN},
        draft_reply=f"Dear {NAME}, your order 123456 is on its way.",
        **fields,
    )
    Case.objects.filter(pk=case.pk).update(current_suggestion=suggestion)
    case_transition(case=case.pk, name="route_to_review", actor=Actor.ai())
    return suggestion


ATTACHMENT = f"%PDF-1.4 invoice for {NAME}".encode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def customer(db, agent):
    """Zelda's three cases: answered by an agent, waiting for her, and declined by her; a
    file she sent, a mail of hers in quarantine, webhooks about her decision, an API answer."""
    WebhookEndpoint.objects.create(url="https://downstream.example.com/hooks")
    reply = IntentFactory(slug="order_status", action=ActionKind.REPLY)
    choose = IntentFactory(slug="delivery_date_change", action=ActionKind.CHOOSE)

    def receive(subject):
        intake = message_receive(
            from_email=EMAIL,
            from_name=NAME,
            subject=f"{subject} — {NAME}",
            body=f"Hello, this is {NAME} ({EMAIL}), IBAN {IBAN}. Order 123456.",
            channel="email",
            external_id=f"mail-{subject}",
        )
        return intake.case, intake.message

    answered, message = receive("Where is my order")
    attachment = Attachment(
        message=message,
        filename=f"{NAME} invoice.pdf",
        content_type="application/pdf",
        size=len(ATTACHMENT),
        content_id=f"<{EMAIL}>",
    )
    attachment.file.save("upload", ContentFile(ATTACHMENT), save=False)
    attachment.save()
    routed(answered, message, reply)
    case_transition(
        case=answered.pk,
        name="amend",
        actor=Actor.staff(agent),
        payload={"reply": f"Dear {NAME}, it arrives on Monday.", "comment": f"{NAME} called"},
    )
    waiting, message = receive("New delivery date")
    routed(waiting, message, choose, options=[{"id": "2030-01-07", "label": "Monday"}])
    case_transition(case=waiting.pk, name="approve", actor=Actor.staff(agent))
    declined, message = receive("Another date")
    routed(declined, message, choose, options=[{"id": "2030-01-08", "label": "Tuesday"}])
    case_transition(case=declined.pk, name="approve", actor=Actor.staff(agent))
    confirmation_decide(
        confirmation=ConfirmationRequest.objects.pending().get(case=declined),
        decision="decline",
        comment=f"No thanks, {NAME} here, write to {EMAIL}",
    )
    CaseEvent.objects.create(
        case=declined,
        name="note",
        from_state=State.IN_REVIEW,
        to_state=State.IN_REVIEW,
        actor_kind="agent",
        actor_user=agent,
        comment=f"Spoke to {NAME}; she prefers email at {EMAIL}.",
    )
    QuarantinedEmail.objects.create(
        raw=f"From: {NAME} <{EMAIL}>\r\n\r\n\xff\xfe broken".encode(),
        size=60,
        sha256="a" * 64,
        reason="undecodable body",
        sender=EMAIL,
        subject=f"Hello from {NAME}",
    )
    IdempotencyKey.objects.create(
        user=agent,
        key="retry-1",
        method="POST",
        path="/api/v1/messages/",
        request_hash="b" * 64,
        status_code=201,
        response_body={"customer": {"email": EMAIL, "name": NAME}},
    )
    zelda = Customer.objects.get(email=EMAIL)
    LogEntry.objects.create(
        user=agent,
        content_type=ContentType.objects.get_for_model(Customer),
        object_id=str(zelda.pk),
        object_repr=str(zelda),
        action_flag=CHANGE,
        change_message="[]",
    )
    return zelda


@pytest.fixture
def bystander(db):
    """Another customer, whose data an erasure of Zelda must not touch."""
    intake = message_receive(from_email="ben@example.com", from_name="Ben Other", body="Hi there")
    return intake.case


@pytest.fixture
def logged_in(client, supervisor):
    client.force_login(supervisor)
    return client


def run_action(client, action, customer, **extra):
    return client.post(
        reverse("admin:customers_customer_changelist"),
        {"action": action, "_selected_action": [customer.pk], **extra},
    )


def the_customers_rows(customer):
    """Every row that belongs to the customer, per model, as the database has it."""
    cases = Case.objects.filter(customer=customer)
    return {
        Customer: Customer.objects.filter(pk=customer.pk),
        Case: cases,
        Message: Message.objects.filter(case__in=cases),
        Suggestion: Suggestion.objects.filter(case__in=cases),
        Approval: Approval.objects.filter(suggestion__case__in=cases),
        CaseEvent: CaseEvent.objects.filter(case__in=cases),
        ConfirmationRequest: ConfirmationRequest.objects.filter(case__in=cases),
        EmailOutbox: EmailOutbox.objects.filter(case__in=cases),
        ReviewItem: ReviewItem.objects.filter(case__in=cases),
        TrainingExample: TrainingExample.objects.filter(case__in=cases),
        Attachment: Attachment.objects.filter(message__case__in=cases),
        WebhookDelivery: WebhookDelivery.objects.filter(case__in=cases),
        QuarantinedEmail: QuarantinedEmail.objects.filter(sender=customer.email),
    }


def exported_rows(document) -> dict:
    """The export's rows, keyed by (model, id)."""
    found = {(Customer, document["customer"]["id"]): document["customer"]}
    nested = {
        "messages": Message,
        "suggestions": Suggestion,
        "events": CaseEvent,
        "confirmations": ConfirmationRequest,
        "emails": EmailOutbox,
        "review_items": ReviewItem,
        "webhook_deliveries": WebhookDelivery,
    }
    for case in document["cases"]:
        found[(Case, case["id"])] = case
        for key, model in nested.items():
            for item in case[key]:
                found[(model, item["id"])] = item
        for message in case["messages"]:
            for attachment in message["attachments"]:
                found[(Attachment, attachment["id"])] = attachment
        for suggestion in case["suggestions"]:
            for approval in suggestion["approvals"]:
                found[(Approval, approval["id"])] = approval
    for example in document["training_examples"]:
        found[(TrainingExample, example["id"])] = example
    for mail in document["quarantined_emails"]:
        found[(QuarantinedEmail, mail["id"])] = mail
    return found


def as_json(value):
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file: exported by its name
        value = value.name
    return json.loads(json.dumps(value, cls=ExportEncoder))


def test_the_export_holds_every_column_of_every_row_about_the_customer(logged_in, customer):
    # As they were when exported (the export's own audit events come after it).
    rows = {model: list(found) for model, found in the_customers_rows(customer).items()}
    response = run_action(logged_in, "export_json", customer)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="customer-{customer.pk}.json"'
    document = json.loads(response.content)
    exported = exported_rows(document)
    counted = 0
    for model, objects in rows.items():
        assert objects, model
        for obj in objects:
            item = exported[(model, obj.pk)]
            for field in obj._meta.concrete_fields:
                if field.name in NOT_EXPORTED:
                    assert field.name not in item and field.attname not in item
                    continue
                key = field.attname if field.is_relation else field.name
                assert item[key] == as_json(field.value_from_object(obj)), (model, field.name)
            counted += 1
    assert len(exported) == counted  # and nothing about anyone else
    assert document["format"] == "backoffice-customer-export/1"
    (attachment,) = [item for (model, _), item in exported.items() if model is Attachment]
    assert base64.b64decode(attachment["content_base64"]) == ATTACHMENT


def test_an_export_is_audited_without_personal_data(logged_in, supervisor, customer):
    run_action(logged_in, "export_json", customer)
    entry = AuditEntry.objects.get(action="customer_exported")
    assert (entry.actor, entry.object_id) == (supervisor, str(customer.pk))
    references = sorted(customer.cases.values_list("reference", flat=True))
    assert sorted(entry.data["cases"]) == references
    events = CaseEvent.objects.filter(name="customer_exported")
    assert sorted(events.values_list("case__reference", flat=True)) == references
    for event in events:
        assert (event.actor_user, event.comment, event.data) == (
            supervisor,
            "",
            {"audit": entry.pk},
        )
    assert not any(term in json.dumps(entry.data) for term in PERSONAL)


def text_columns():
    """Every column of every installed model that can hold text (JSON included)."""
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if fields:
            yield model, fields


def mentions(terms) -> list[str]:
    found = []
    for model, fields in text_columns():
        for values in model._base_manager.values_list(*(f.attname for f in fields)):
            for field, value in zip(fields, values, strict=True):
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                for term in terms:
                    if term.lower() in (text or "").lower():
                        found.append(f"{model._meta.label}.{field.name}: {term}")
    return found


def test_before_the_erasure_the_search_finds_her_everywhere(customer):
    """The check below is only worth something if it finds what is there."""
    found = {hit.split(":")[0] for hit in mentions(PERSONAL)}
    for column in (
        "customers.Customer.email",
        "customers.Customer.name",
        "cases.Case.subject",
        "cases.Message.text",
        "cases.Message.subject",
        "cases.CaseEvent.comment",
        "cases.CaseEvent.data",
        "review.Suggestion.slots",
        "review.Suggestion.draft_reply",
        "review.Approval.payload",
        "review.TrainingExample.text",
        "customers.ConfirmationRequest.outcome",
        "customers.EmailOutbox.to_email",
        "admin.LogEntry.object_repr",
        "cases.Attachment.filename",
        "cases.QuarantinedEmail.sender",
        "cases.WebhookDelivery.payload",
        "cases.IdempotencyKey.response_body",
    ):
        assert column in found, column


def erase(client, customer):
    page = run_action(client, "erase", customer)
    assert page.status_code == 200  # the confirmation page first
    assert "Yes, erase their personal data" in page.content.decode()
    assert Customer.objects.get(pk=customer.pk).email == EMAIL  # nothing happened yet
    response = run_action(client, "erase", customer, post="yes")
    assert response.status_code == 302
    return response


def test_the_erasure_leaves_her_name_and_address_in_no_text_column(
    logged_in, customer, bystander, media, django_capture_on_commit_callbacks
):
    assert any(b"Quistorp" in path.read_bytes() for path in media.rglob("*") if path.is_file())
    with django_capture_on_commit_callbacks(execute=True):
        erase(logged_in, customer)
    assert mentions(PERSONAL) == []
    assert mentions(["Ben Other", "ben@example.com", "Hi there"])  # others are untouched
    # Nor in any file: her attachment is gone from the disk.
    files = [path for path in media.rglob("*") if path.is_file()]
    assert all(b"Quistorp" not in path.read_bytes() for path in files)
    assert not QuarantinedEmail.objects.exists()


def test_the_erasure_keeps_the_cases_and_a_pseudonymised_history(logged_in, supervisor, customer):
    before = {
        case.reference: (
            case.state,
            list(case.events.values_list("name", "from_state", "to_state", "actor_kind")),
        )
        for case in customer.cases.all()
    }
    reviews = ReviewItem.objects.filter(case__customer=customer).count()
    erase(logged_in, customer)
    customer.refresh_from_db()
    assert (customer.email, customer.name) == (f"erased-{customer.pk}@erased.invalid", "")
    after = {
        case.reference: (
            case.state,
            list(case.events.values_list("name", "from_state", "to_state", "actor_kind")),
        )
        for case in customer.cases.all()
    }
    assert set(after) == set(before)
    for reference, (state, events) in before.items():
        assert after[reference][0] == state
        # The same history, plus one event that says the data was erased.
        assert after[reference][1][:-1] == events
        assert after[reference][1][-1] == ("customer_erased", state, state, "supervisor")
    assert ReviewItem.objects.filter(case__customer=customer).count() == reviews
    assert set(Message.objects.filter(case__customer=customer).values_list("text", flat=True)) == {
        ERASED
    }
    entry = AuditEntry.objects.get(action="customer_erased")
    assert (entry.actor, entry.object_id) == (supervisor, str(customer.pk))
    assert sorted(entry.data["cases"]) == sorted(before)
    # What each app counted: the pending links, her examples, the events with free text, her
    # quarantined mail.
    assert {key: value for key, value in entry.data.items() if key != "cases"} == {
        "revoked_links": 2,
        "training_examples_deleted": 4,
        "events_redacted": 3,
        "quarantined_emails_deleted": 1,
    }


def test_the_erasure_revokes_pending_links_and_cancels_pending_emails(logged_in, client, customer):
    waiting = ConfirmationRequest.objects.pending().filter(case__customer=customer)
    tokens = [confirmation.link_token() for confirmation in waiting]
    assert tokens
    erase(logged_in, customer)
    assert not ConfirmationRequest.objects.pending().filter(case__customer=customer).exists()
    assert not EmailOutbox.objects.pending().filter(case__customer=customer).exists()
    visitor = type(client)()
    for token in tokens:
        visitor.get(f"/c/{token}/")
        assert visitor.get("/c/").status_code == 410


def test_erasing_twice_changes_nothing_the_second_time(logged_in, customer):
    erase(logged_in, customer)
    events = CaseEvent.objects.count()
    run_action(logged_in, "erase", customer, post="yes")
    assert CaseEvent.objects.count() == events
    assert AuditEntry.objects.filter(action="customer_erased").count() == 1


def test_a_staff_user_without_the_delete_permission_is_offered_no_erasure(client, customer):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(username="viewer")
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["handle_escalated", "view_customer"])
    )
    client.force_login(viewer)
    page = client.get(reverse("admin:customers_customer_changelist")).content.decode()
    assert 'value="export_json"' in page and 'value="erase"' not in page
    run_action(client, "erase", customer, post="yes")
    assert Customer.objects.get(pk=customer.pk).email == EMAIL


def test_customers_cannot_be_deleted_or_edited_in_the_admin(logged_in, customer):
    page = logged_in.get(reverse("admin:customers_customer_changelist")).content.decode()
    assert 'value="delete_selected"' not in page
    url = reverse("admin:customers_customer_delete", args=[customer.pk])
    assert logged_in.post(url, {"post": "yes"}).status_code == 403
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_every_app_that_holds_her_data_contributes_to_export_and_erasure(customer):
    """Each app exports and erases its own rows, registered when it is ready; the core runs
    first and the customer row is pseudonymised last."""
    names = [contribution.name for contribution in personal_data.contributions()]
    assert names == ["cases", "review", "customers"]
    holders = {hit.split(".")[0] for hit in mentions(PERSONAL)}
    # The admin log is Django's: the customers and review contributions clean it.
    assert holders - {"admin"} <= set(names), holders
    for contribution in personal_data.contributions():
        for function in (contribution.export, contribution.erase):
            assert function.__module__.split(".")[0] == contribution.name


def test_a_contribution_that_raises_rolls_back_the_whole_erasure(
    customer, supervisor, media, monkeypatch, django_capture_on_commit_callbacks
):
    def fail(subject):
        # After every other contribution: the customer row is already pseudonymised.
        assert subject.customer.email.endswith("@erased.invalid")
        raise RuntimeError("the disk is full")

    broken = personal_data.Contribution(
        name="broken", export=lambda subject, parts: None, erase=fail, order=personal_data.OWNER + 1
    )
    monkeypatch.setitem(personal_data._registry, "broken", broken)
    found, events = sorted(mentions(PERSONAL)), CaseEvent.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="the disk is full"),
    ):
        customer_erase(customer=customer, user=supervisor)
    assert callbacks == []  # her attachment's file is not removed either
    assert any(b"Quistorp" in path.read_bytes() for path in media.rglob("*") if path.is_file())
    assert sorted(mentions(PERSONAL)) == found  # nothing half-erased
    assert Customer.objects.get(pk=customer.pk).email == EMAIL
    assert CaseEvent.objects.count() == events
    assert not AuditEntry.objects.filter(action="customer_erased").exists()


def test_two_contributions_cannot_count_under_the_same_name(customer, supervisor, monkeypatch):
    again = personal_data.Contribution(
        name="again", export=lambda subject, parts: None, erase=lambda s: {"revoked_links": 0}
    )
    monkeypatch.setitem(personal_data._registry, "again", again)
    with pytest.raises(ValueError, match="revoked_links"):
        customer_erase(customer=customer, user=supervisor)
    assert Customer.objects.get(pk=customer.pk).email == EMAIL
