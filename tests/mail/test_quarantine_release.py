"""Supervisors release quarantined mail from the admin: past the rate limit, never past a limit
on size or structure; once, however often it is clicked; recorded on the case."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from cases.mail.intake import RELEASED_EVENT, IngestResult, email_ingest
from cases.models import CaseEvent, Message, QuarantinedEmail
from tests.factories import UserFactory
from tests.mail.corpus import mail
from tests.threads import in_threads

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:cases_quarantinedemail_changelist")
ROBOT = "Robot <robot@shop.example>"


def rate_limited(settings, name: str, **kwargs) -> QuarantinedEmail:
    """A mail held by the rate limit: its sender's first mail went in, this one did not."""
    settings.EMAIL_RATE_LIMIT = 1
    email_ingest(mail(f"{name}-first", sender=ROBOT, **kwargs), source="test")
    result = email_ingest(mail(name, sender=ROBOT, **kwargs), source="test")
    assert result.status == IngestResult.QUARANTINED and result.reason.startswith("rate limit")
    return result.quarantine


def release(client, *quarantined: QuarantinedEmail):
    """The admin's action form: the action, the ticked rows, the button."""
    return client.post(
        CHANGELIST,
        {"action": "release", "index": 0, "_selected_action": [q.pk for q in quarantined]},
    )


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def messages_of(name: str):
    return Message.objects.filter(external_id=f"<{name}@corpus.test>")


@pytest.fixture
def logged_in(client, supervisor):
    client.force_login(supervisor)
    return client


def test_a_supervisor_is_offered_the_release(logged_in, settings):
    rate_limited(settings, "offered")
    page = logged_in.get(CHANGELIST).content.decode()
    assert "Release: ingest as a message now" in page


def test_a_supervisor_releases_a_rate_limited_mail(
    logged_in, supervisor, settings, django_capture_on_commit_callbacks
):
    quarantined = rate_limited(settings, "flood")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = release(logged_in, quarantined)

    assert response.status_code == 302
    message = messages_of("flood").get()
    case = message.case
    assert said(response) == [
        f"Released quarantined email {quarantined.pk}: it is message {message.pk} on case "
        f"{case.reference}."
    ]
    assert not QuarantinedEmail.objects.exists()
    # As for any inbound mail: the new case's suggestion job ran after the commit.
    assert len(callbacks) == 1 and case.current_suggestion is not None
    event = case.events.get(name=RELEASED_EVENT)
    assert (event.actor_kind, event.actor_user) == ("supervisor", supervisor)
    assert event.data == {
        "message": message.pk,
        "quarantined_email": quarantined.pk,
        "quarantined_for": "rate limit",
        "received_at": quarantined.received_at.isoformat(),
        "duplicate": False,
    }
    assert "robot@shop.example" not in str(event.data) and "order" not in str(event.data)


def test_releasing_the_same_mail_twice_makes_one_message(logged_in, settings):
    quarantined = rate_limited(settings, "twice")

    first = release(logged_in, quarantined)
    second = release(logged_in, quarantined)

    assert messages_of("twice").count() == 1
    assert said(first)[0].startswith(f"Released quarantined email {quarantined.pk}")
    # A double click: the second POST comes before the first's page, so both messages show.
    assert said(second)[-1] == (
        f"Quarantined email {quarantined.pk} was already released: nothing to do."
    )
    assert CaseEvent.objects.filter(name=RELEASED_EVENT).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_supervisors_releasing_at_once_make_one_message(postgres, settings):
    quarantined = rate_limited(settings, "race")
    clients = []
    for name in ("sup-a", "sup-b"):
        client = Client()
        client.force_login(UserFactory(username=name, role="supervisor"))
        clients.append(client)

    responses = in_threads(*[lambda c=c: release(c, quarantined) for c in clients])

    assert [r.status_code for r in responses] == [302, 302], responses
    assert messages_of("race").count() == 1
    assert not QuarantinedEmail.objects.exists()
    assert CaseEvent.objects.filter(name=RELEASED_EVENT).count() == 1
    told = sorted(said(r)[0].split(":")[0] for r in responses)
    assert told == [
        f"Quarantined email {quarantined.pk} was already released",
        f"Released quarantined email {quarantined.pk}",
    ]


def test_an_auto_reply_held_by_the_rate_limit_is_released_and_never_answered(
    logged_in, settings, django_capture_on_commit_callbacks
):
    quarantined = rate_limited(settings, "away", headers=("Auto-Submitted: auto-replied",))

    with django_capture_on_commit_callbacks(execute=True):
        release(logged_in, quarantined)

    message = messages_of("away").get()
    assert message.automatic == "auto_replied"
    suggestion = message.case.current_suggestion
    assert suggestion.reason_codes == ["automatic_message"] and not suggestion.automatable
    assert not message.case.messages.filter(direction="out").exists()
    assert not QuarantinedEmail.objects.exists()


def test_a_mail_already_stored_under_its_message_id_is_not_stored_again(logged_in, settings):
    quarantined = rate_limited(settings, "again")
    # The same mail comes in once more by another route (other bytes), after the window.
    settings.EMAIL_RATE_LIMIT = 0
    redelivered = mail("again", sender=ROBOT, headers=("X-Relay: backup-mx",))
    stored = email_ingest(redelivered, source="test").message

    response = release(logged_in, quarantined)

    assert list(messages_of("again")) == [stored]
    assert not QuarantinedEmail.objects.exists()
    assert said(response) == [
        f"Quarantined email {quarantined.pk} was already ingested (message {stored.pk} on case "
        f"{stored.case.reference}): no second message; its quarantine entry was removed."
    ]
    event = stored.case.events.get(name=RELEASED_EVENT)
    assert event.data["duplicate"] is True


def test_a_truncated_mail_is_refused_and_kept(logged_in, settings):
    settings.EMAIL_MAX_BYTES = 500
    quarantined = email_ingest(mail("huge", "x" * 2_000), source="test").quarantine
    assert quarantined.truncated
    settings.EMAIL_MAX_BYTES = 1_000_000  # a raised limit cannot bring the cut-off part back

    response = release(logged_in, quarantined)

    assert "only its beginning was kept" in said(response)[0]
    assert QuarantinedEmail.objects.get() == quarantined
    assert not Message.objects.exists() and not CaseEvent.objects.exists()


def test_a_mail_still_over_a_structure_limit_is_refused_and_kept(logged_in, settings):
    settings.EMAIL_MAX_PARTS = 0
    result = email_ingest(mail("parts"), source="test")
    assert result.reason.startswith("too many MIME parts")

    response = release(logged_in, result.quarantine)

    assert said(response) == [
        f"Quarantined email {result.quarantine.pk} cannot be released: it still cannot become a "
        f"message ({result.reason}). Only the rate limit can be overridden. Nothing was changed."
    ]
    kept = QuarantinedEmail.objects.get()
    assert (kept.pk, kept.reason, kept.received_at) == (
        result.quarantine.pk,
        result.reason,
        result.quarantine.received_at,
    )
    assert not Message.objects.exists() and not CaseEvent.objects.exists()


def test_a_mail_over_a_limit_raised_since_is_released(logged_in, settings):
    settings.EMAIL_MAX_PARTS = 0
    quarantined = email_ingest(mail("raised"), source="test").quarantine
    settings.EMAIL_MAX_PARTS = 250

    release(logged_in, quarantined)

    assert messages_of("raised").count() == 1 and not QuarantinedEmail.objects.exists()


def test_an_agent_is_sent_to_log_in_and_nothing_is_released(client, agent, settings):
    quarantined = rate_limited(settings, "agent")
    client.force_login(agent)

    response = release(client, quarantined)

    # The admin site turns agents away before any action (backoffice/admin.py).
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert QuarantinedEmail.objects.get() == quarantined and not messages_of("agent").exists()


def test_staff_in_the_admin_without_the_change_permission_get_403(client, settings):
    quarantined = rate_limited(settings, "reader")
    reader = UserFactory(username="reader")
    reader.user_permissions.add(
        *Permission.objects.filter(codename__in=["handle_escalated", "view_quarantinedemail"])
    )
    client.force_login(reader)
    assert client.get(CHANGELIST).status_code == 200
    assert "Release: ingest" not in client.get(CHANGELIST).content.decode()

    assert release(client, quarantined).status_code == 403
    assert QuarantinedEmail.objects.get() == quarantined and not messages_of("reader").exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, settings):
    quarantined = rate_limited(settings, "anonymous")

    response = release(client, quarantined)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert QuarantinedEmail.objects.get() == quarantined


def test_a_get_releases_nothing(logged_in, settings):
    quarantined = rate_limited(settings, "get")
    query = {"action": "release", "index": 0, "_selected_action": quarantined.pk}

    assert logged_in.get(CHANGELIST, query).status_code in (200, 302)
    assert QuarantinedEmail.objects.get() == quarantined and not messages_of("get").exists()


def test_the_change_form_stays_read_only_for_supervisors(logged_in, settings):
    quarantined = rate_limited(settings, "form")
    change = reverse("admin:cases_quarantinedemail_change", args=[quarantined.pk])

    assert logged_in.post(change, {"reason": "fine"}).status_code == 403
    assert QuarantinedEmail.objects.get().reason == quarantined.reason
