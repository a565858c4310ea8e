"""Notifications: written from the case's events (assigned to you, the customer replied on
your case, you were mentioned), never to yourself, never twice; the badge, the list, read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from cases.intake import message_receive
from cases.models import Case, CaseEvent, Notification, State
from cases.notifications import notify
from cases.transitions import Actor, case_record, case_transition, handlers
from tests.factories import UserFactory, case_in

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ben(db):
    return UserFactory(username="ben", first_name="Ben", role="agent")


def kinds(user) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", "case__reference")
    )


def note(case, user, text):
    return case_record(case=case, name="note", actor=Actor.staff(user), payload={"note": text})


# Assigned to you.


@pytest.fixture
def assign_to(monkeypatch):
    """An action that assigns the case to someone else (what a bulk assign does)."""

    def handle(step):
        step.case.assign(step.data["user"])
        step.event_data = {"assignee": step.data["user"].get_username()}

    monkeypatch.setitem(
        handlers.ACTIONS,
        "assign_to",
        handlers.Action(by=frozenset({"staff"}), handler=handle, event_name="assigned"),
    )


def test_a_case_someone_else_assigns_to_you_notifies_you(supervisor, ben, assign_to):
    case = case_in(State.IN_REVIEW)
    case_record(case=case, name="assign_to", actor=Actor.staff(supervisor), payload={"user": ben})
    assert kinds(ben) == [("assigned", case.reference)]
    notification = Notification.objects.get(user=ben)
    assert notification.actor == "Supervisor"
    assert notification.event.name == "assigned"


def test_claiming_or_taking_over_yourself_notifies_nobody(agent, ben):
    case_record(case=case_in(State.IN_REVIEW), name="claim", actor=Actor.staff(agent))
    case_transition(case=case_in(State.IN_REVIEW), name="take_over", actor=Actor.staff(ben))
    assert Notification.objects.count() == 0


def test_an_event_that_does_not_change_the_assignee_notifies_nobody(agent, ben, assign_to):
    case = case_in(State.IN_REVIEW)
    case_record(case=case, name="assign_to", actor=Actor.staff(agent), payload={"user": ben})
    case_transition(case=case, name="escalate", actor=Actor.staff(agent), payload={"reason": "x"})
    assert kinds(ben) == [("assigned", case.reference)]


# The customer replied on your case.


def test_a_customer_message_on_your_case_notifies_you(agent):
    case = case_in(State.IN_PROGRESS)
    Case.objects.filter(pk=case.pk).update(assignee=agent)
    message_receive(
        from_email=case.customer.email, subject=f"Re: [#{case.reference}]", body="Any news?"
    )
    assert kinds(agent) == [("customer_reply", case.reference)]


def test_a_customer_answer_that_reopens_your_case_notifies_you(agent):
    case = case_in(State.AWAITING_CUSTOMER)
    Case.objects.filter(pk=case.pk).update(assignee=agent)
    message_receive(from_email=case.customer.email, subject=f"[#{case.reference}]", body="Hm")
    assert Case.objects.get(pk=case.pk).state == State.IN_REVIEW
    assert kinds(agent) == [("customer_reply", case.reference)]


def test_a_message_on_an_unassigned_case_or_an_auto_reply_notifies_nobody(agent):
    unassigned = case_in(State.IN_PROGRESS)
    message_receive(
        from_email=unassigned.customer.email, subject=f"[#{unassigned.reference}]", body="?"
    )
    mine = case_in(State.IN_PROGRESS)
    Case.objects.filter(pk=mine.pk).update(assignee=agent)
    message_receive(
        from_email=mine.customer.email,
        subject=f"[#{mine.reference}]",
        body="I am out of office.",
        automatic="auto-submitted",
    )
    assert Notification.objects.count() == 0


# Mentions.


def test_a_mention_in_a_note_notifies_that_person(agent, ben):
    case = case_in(State.IN_REVIEW)
    event = note(case, agent, "@ben could you call the customer?")
    assert kinds(ben) == [("mention", case.reference)]
    assert event.data["mentions"] == [{"user": ben.pk, "username": "ben", "as": "ben"}]
    assert Notification.objects.get(user=ben).text == "@ben could you call the customer?"


def test_a_unique_first_name_is_a_mention_too_and_case_does_not_matter(agent, ben):
    case = case_in(State.IN_REVIEW)
    note(case, agent, "Thanks @BEN and @Ben.")
    assert kinds(ben) == [("mention", case.reference)]


def test_unknown_and_ambiguous_names_are_left_as_text(agent, ben):
    UserFactory(username="bea1", first_name="Bea")
    UserFactory(username="bea2", first_name="Bea")
    event = note(case_in(State.IN_REVIEW), agent, "Ask @nobody or @Bea, mail a@example.com")
    assert "mentions" not in event.data
    assert Notification.objects.count() == 0


def test_mentioning_yourself_notifies_nobody(agent):
    event = note(case_in(State.IN_REVIEW), agent, "Reminder for @agent")
    assert "mentions" not in event.data and Notification.objects.count() == 0


def test_an_inactive_user_is_not_mentioned(agent):
    UserFactory(username="gone", is_active=False)
    note(case_in(State.IN_REVIEW), agent, "@gone")
    assert Notification.objects.count() == 0


def test_the_timeline_marks_the_mention_and_escapes_the_rest(client, agent, ben):
    case = case_in(State.IN_REVIEW)
    note(case, agent, "<script>x</script> @ben & @nobody")
    client.force_login(agent)
    content = client.get(f"/cases/{case.reference}/").content.decode()
    assert (
        '<blockquote>&lt;script&gt;x&lt;/script&gt; <mark class="mention" title="ben">@ben</mark>'
        " &amp; @nobody</blockquote>" in content
    )


def test_a_note_posted_from_the_page_notifies(client, agent, ben):
    case = case_in(State.IN_REVIEW)
    client.force_login(agent)
    client.post(f"/cases/{case.reference}/note/", {"note": "@Ben please look"}, **HTMX)
    assert kinds(ben) == [("mention", case.reference)]


# Never twice.


def test_one_event_notifies_a_person_once(agent, ben):
    case = case_in(State.IN_REVIEW)
    event = note(case, agent, "@ben @ben @Ben")
    notify(event, assignee_before=None)  # as if the path ran it again
    assert Notification.objects.filter(user=ben).count() == 1


def test_an_event_with_nobody_to_tell_costs_no_query(agent):
    case = case_in(State.IN_REVIEW)
    event = CaseEvent.objects.filter(case=case).last() or note(case, agent, "plain")
    with CaptureQueriesContext(connection) as captured:
        notify(event, assignee_before=None)
    assert len(captured) == 0


# The badge, the list, read.


def mention(agent, ben, text="@ben look"):
    case = case_in(State.IN_REVIEW)
    note(case, agent, text)
    return case


def test_the_badge_counts_what_is_unread(client, agent, ben):
    mention(agent, ben)
    mention(agent, ben)
    client.force_login(ben)
    content = client.get("/notifications/badge/", **HTMX).content.decode()
    assert '<span class="badge" id="notifications-badge">2 unread</span>' in content
    assert 'hx-trigger="every 30s"' in content  # polls on, no "load" loop
    client.force_login(agent)
    assert 'class="badge"' not in client.get("/notifications/badge/").content.decode()


def test_every_page_loads_the_badge_in_the_header(client, agent):
    client.force_login(agent)
    content = client.get("/").content.decode()
    assert 'hx-get="/notifications/badge/" hx-trigger="load, every 30s"' in content


def test_opening_the_list_shows_each_kind_and_marks_them_read(
    client, agent, ben, supervisor, assign_to
):
    case = mention(agent, ben, "@ben the parcel")
    case_record(case=case, name="assign_to", actor=Actor.staff(supervisor), payload={"user": ben})
    message_receive(from_email=case.customer.email, subject=f"[#{case.reference}]", body="Hi")
    client.force_login(ben)
    content = client.get("/notifications/").content.decode()
    ref = case.reference
    assert f"Agent mentioned you on case {ref}. <q>@ben the parcel</q>" in content
    assert f"Supervisor assigned case {ref} to you." in content
    assert f"The customer replied on case {ref}." in content
    assert content.count('<span class="tag">new</span>') == 3
    assert Notification.objects.unread().filter(user=ben).count() == 0
    again = client.get("/notifications/").content.decode()
    assert '<span class="tag">new</span>' not in again
    assert "unread" not in client.get("/notifications/badge/").content.decode()


def test_the_list_in_german(client, agent, ben):
    case = mention(agent, ben)
    client.force_login(ben)
    client.post("/settings/language/", {"language": "de", "next": "/"})
    content = client.get("/notifications/").content.decode()
    with translation.override("de"):
        expected = gettext("%(actor)s mentioned you on case %(reference)s.") % {
            "actor": "Agent",
            "reference": case.reference,
        }
        assert gettext("Notifications") in content
    assert expected in content


def test_opening_the_case_marks_its_notifications_read_and_only_those(client, agent, ben):
    first, second = mention(agent, ben), mention(agent, ben)
    client.force_login(ben)
    client.post(f"/cases/{first.reference}/presence/", **HTMX)  # the page's first heartbeat
    unread = Notification.objects.unread().filter(user=ben)
    assert list(unread.values_list("case", flat=True)) == [second.pk]


def test_each_person_sees_only_their_own_notifications(client, agent, ben, supervisor):
    case = mention(agent, ben)
    client.force_login(supervisor)
    content = client.get("/notifications/").content.decode()
    assert case.reference not in content and "No notifications." in content
    assert Notification.objects.unread().filter(user=ben).count() == 1


def test_the_list_costs_the_same_for_3_and_41_notifications(client, agent, ben):
    client.force_login(ben)
    for _ in range(2):
        mention(agent, ben)
    client.get("/notifications/")
    mention(agent, ben)
    with CaptureQueriesContext(connection) as few:
        client.get("/notifications/")
    for _ in range(38):
        mention(agent, ben)
    with CaptureQueriesContext(connection) as many:
        content = client.get("/notifications/").content.decode()
    assert content.count("mentioned you") == 41
    assert len(few) == len(many)


def test_anonymous_visitors_log_in_and_integrators_are_refused(client, integrator):
    for url in ("/notifications/", "/notifications/badge/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(integrator)
    assert client.get("/notifications/").status_code == 403
    assert client.get("/notifications/badge/").status_code == 403
    assert client.post("/notifications/").status_code == 405


def test_a_bad_page_number_is_the_first_page(client, ben):
    client.force_login(ben)
    assert client.get("/notifications/?page=x").status_code == 200
    assert client.get("/notifications/?page=x\x00").status_code == 400  # the one guard
