"""SLA: targets per priority from the admin, due times on intake, the first answer recorded once,
breaches recorded once, the countdown's words, the dashboard's share met."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone, translation
from django.utils.translation import gettext

from cases import tasks
from cases.intake import message_receive
from cases.models import Case, CaseEvent, Priority, SlaTarget, State
from cases.sla import (
    FIRST_RESPONSE,
    RESOLUTION,
    case_targets,
    countdown_for,
    duration_text,
    record_breaches,
    share_met,
)
from cases.transitions import Actor, TransitionConflict, case_record, case_transition
from tests.factories import CaseFactory, case_in

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


# The targets.


def test_the_migration_seeds_todays_sla_hours_for_both_targets(db):
    rows = SlaTarget.objects.order_by("priority").values_list(
        "priority", "first_response_minutes", "resolution_minutes"
    )
    assert list(rows) == [(1, 4320, 4320), (2, 1440, 1440), (3, 480, 480), (4, 240, 240)]


def test_without_a_row_the_code_defaults_apply(db):
    SlaTarget.objects.filter(priority=Priority.HIGH).delete()
    assert SlaTarget.objects.minutes_for(Priority.HIGH) == (480, 480)


def test_intake_sets_both_due_times_from_the_targets_supervisors_set(db):
    SlaTarget.objects.filter(priority=Priority.NORMAL).update(
        first_response_minutes=30, resolution_minutes=240
    )
    case = message_receive(from_email="ann@example.com", body="Where is my parcel?").case
    case.refresh_from_db()
    assert case.first_response_due_at - case.created_at == timedelta(minutes=30)
    assert case.due_at - case.created_at == timedelta(minutes=240)
    assert case.first_responded_at is None


def test_a_higher_priority_brings_the_due_times_forward(db):
    case = CaseFactory(due_at=None)
    case.set_priority(Priority.URGENT)
    assert case.first_response_due_at - case.created_at == timedelta(hours=4)
    assert case.due_at - case.created_at == timedelta(hours=4)


def test_changing_a_target_later_keeps_the_due_times_cases_have(db):
    case = message_receive(from_email="ann@example.com", body="Hello").case
    due = Case.objects.values_list("first_response_due_at", "due_at").get(pk=case.pk)
    SlaTarget.objects.update(first_response_minutes=5, resolution_minutes=10)
    assert Case.objects.values_list("first_response_due_at", "due_at").get(pk=case.pk) == due


# The admin: supervisors only, every change in the admin's history.


def target_form(first: int, resolution: int) -> dict:
    return {"first_response_minutes": first, "resolution_minutes": resolution}


def test_a_supervisor_changes_a_target_in_the_admin_and_the_history_says_who(client, supervisor):
    client.force_login(supervisor)
    target = SlaTarget.objects.get(priority=Priority.URGENT)
    url = f"/admin/cases/slatarget/{target.pk}/change/"
    assert client.get("/admin/cases/slatarget/").status_code == 200
    response = client.post(url, target_form(15, 120))
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.first_response_minutes, target.resolution_minutes) == (15, 120)
    assert target.changed_by == supervisor
    entry = LogEntry.objects.get(object_id=str(target.pk), content_type__model="slatarget")
    assert entry.user == supervisor and "First response within (minutes)" in entry.change_message
    # Four priorities, four rows: nothing to add, nothing to delete.
    assert client.get("/admin/cases/slatarget/add/").status_code == 403
    assert client.post(f"/admin/cases/slatarget/{target.pk}/delete/").status_code == 403


def test_agents_and_anonymous_visitors_are_sent_to_the_admin_login(client, agent):
    """The admin is the supervisors' (backoffice.admin): an agent is no admin user."""
    target = SlaTarget.objects.get(priority=Priority.URGENT)
    url = f"/admin/cases/slatarget/{target.pk}/change/"
    for user in (None, agent):
        if user is not None:
            client.force_login(user)
        response = client.post(url, target_form(1, 1))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    target.refresh_from_db()
    assert target.first_response_minutes == 240


def test_a_target_refuses_negative_minutes(client, supervisor):
    client.force_login(supervisor)
    target = SlaTarget.objects.get(priority=Priority.LOW)
    response = client.post(f"/admin/cases/slatarget/{target.pk}/change/", target_form(-5, 10))
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in response.content.decode()


# The first answer: the first reply or proposal, written once.


def test_the_first_reply_is_the_first_response_and_a_later_one_does_not_move_it(agent):
    case = case_in(State.IN_REVIEW)
    case_transition(case=case, name="take_over", actor=Actor.staff(agent))
    assert Case.objects.get(pk=case.pk).first_responded_at is None  # taking over is no answer
    case_transition(
        case=case, name="reply", actor=Actor.staff(agent), payload={"text": "Your parcel left."}
    )
    first = Case.objects.get(pk=case.pk).first_responded_at
    assert first is not None
    case_transition(
        case=case,
        name="reopen",
        actor=Actor.customer(),
        payload={"reason_code": "customer_replied"},
    )
    case_transition(case=case, name="take_over", actor=Actor.staff(agent))
    case_transition(case=case, name="reply", actor=Actor.staff(agent), payload={"text": "Again."})
    assert Case.objects.get(pk=case.pk).first_responded_at == first


def test_a_proposal_to_the_customer_is_a_first_response(agent):
    case = case_in(State.IN_REVIEW)
    case_transition(case=case, name="take_over", actor=Actor.staff(agent))
    case_transition(
        case=case, name="propose", actor=Actor.staff(agent), payload={"options": ["Mon", "Tue"]}
    )
    case.refresh_from_db()
    assert case.state == State.AWAITING_CUSTOMER and case.first_responded_at is not None


def test_routing_to_review_is_no_answer_but_an_automated_reply_is(db):
    routed = case_in(State.NEW)
    case_transition(case=routed, name="route_to_review", actor=Actor.system())
    automated = case_in(State.NEW, automatable=True)
    case_transition(case=automated, name="automate", actor=Actor.system())
    assert Case.objects.get(pk=routed.pk).first_responded_at is None
    assert Case.objects.get(pk=automated.pk).first_responded_at is not None


# Breaches: recorded once, as events.


def overdue_case(**fields) -> Case:
    defaults = {
        "state": State.IN_REVIEW,
        "first_response_due_at": timezone.now() - timedelta(minutes=25),
        "due_at": timezone.now() + timedelta(hours=3),
    }
    return CaseFactory(**defaults | fields)


def breaches(case) -> list[str]:
    events = CaseEvent.objects.filter(case=case, name="sla_breached").order_by("pk")
    return [e.data["target"] for e in events]


def test_a_missed_first_response_is_recorded_once_however_often_the_task_runs(db):
    case = overdue_case()
    assert tasks.record_sla_breaches() == 1
    assert tasks.record_sla_breaches() == 0
    assert breaches(case) == [FIRST_RESPONSE]
    event = CaseEvent.objects.get(case=case, name="sla_breached")
    assert (event.actor_kind, event.label) == ("system", "SLA target missed")


def test_a_missed_resolution_is_its_own_breach(db):
    case = overdue_case(due_at=timezone.now() - timedelta(minutes=5))
    assert record_breaches() == 2
    record_breaches()
    assert sorted(breaches(case)) == [FIRST_RESPONSE, RESOLUTION]


def test_cases_answered_and_resolved_in_time_are_no_breach(db):
    due = timezone.now() - timedelta(hours=1)
    CaseFactory(
        state=State.RESOLVED,
        first_response_due_at=due,
        first_responded_at=due - timedelta(minutes=1),
        due_at=due,
        resolved_at=due - timedelta(minutes=1),
    )
    CaseFactory(state=State.IN_REVIEW, first_response_due_at=timezone.now() + timedelta(hours=1))
    assert record_breaches() == 0


def test_an_answer_after_the_due_time_is_a_breach_too(db):
    due = timezone.now() - timedelta(hours=1)
    case = overdue_case(first_response_due_at=due, first_responded_at=due + timedelta(minutes=3))
    record_breaches()
    assert breaches(case) == [FIRST_RESPONSE]


def test_due_times_older_than_a_week_are_not_checked(db):
    overdue_case(first_response_due_at=timezone.now() - timedelta(days=8))
    assert record_breaches() == 0


def test_the_locked_case_refuses_a_second_breach_of_the_same_target(db):
    case = overdue_case()
    payload = {"target": FIRST_RESPONSE}
    case_record(case=case, name="sla_breached", actor=Actor.system(), payload=payload)
    with pytest.raises(TransitionConflict):
        case_record(case=case, name="sla_breached", actor=Actor.system(), payload=payload)
    assert breaches(case) == [FIRST_RESPONSE]


@pytest.mark.parametrize("payload", [{}, {"target": "lunch"}, {"target": "x\x00"}])
def test_a_breach_names_a_known_target(db, payload):
    from cases.transitions import InvalidPayload

    with pytest.raises(InvalidPayload):
        case_record(case=overdue_case(), name="sla_breached", actor=Actor.system(), payload=payload)


def test_staff_cannot_record_a_breach(agent):
    from cases.transitions import TransitionForbidden

    with pytest.raises(TransitionForbidden):
        case_record(
            case=overdue_case(),
            name="sla_breached",
            actor=Actor.staff(agent),
            payload={"target": FIRST_RESPONSE},
        )


def test_the_breach_check_is_scheduled_every_minute(db):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="Record SLA breaches")
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == (
        "cases.tasks.record_sla_breaches",
        "I",
        1,
    )


# The countdown's words: exact, for frozen times.


@pytest.mark.parametrize(
    "left, status, text",
    [
        (timedelta(hours=2, minutes=10), "ok", "due in 2 h 10 min"),
        (timedelta(hours=5), "ok", "due in 5 h"),
        (timedelta(days=3, hours=4), "ok", "due in 3 d 4 h"),
        (timedelta(days=2), "ok", "due in 2 d"),
        (timedelta(hours=1, minutes=1), "ok", "due in 1 h 1 min"),
        (timedelta(hours=1), "soon", "due in 1 h"),
        (timedelta(minutes=45), "soon", "due in 45 min"),
        (timedelta(seconds=20), "soon", "due in 1 min"),
        (timedelta(minutes=9, seconds=1), "soon", "due in 10 min"),
        (timedelta(0), "breached", "overdue by 1 min"),
        (-timedelta(minutes=25), "breached", "overdue by 25 min"),
        (-timedelta(hours=26), "breached", "overdue by 1 d 2 h"),
    ],
)
def test_the_countdown_says_how_long_in_words_and_a_status(left, status, text):
    countdown = countdown_for(NOW + left, FIRST_RESPONSE, NOW)
    assert (countdown.status, countdown.text) == (status, text)


def test_the_countdown_speaks_the_agents_language():
    with translation.override("de"):
        countdown = countdown_for(NOW + timedelta(hours=2, minutes=10), RESOLUTION, NOW)
        expected = gettext("due in %(t)s") % {"t": gettext("%(h)d h %(m)d min") % {"h": 2, "m": 10}}
        assert countdown.text == expected
        assert countdown.label == gettext("Resolution")


def test_duration_rounds_up_to_the_minute():
    assert duration_text(timedelta(seconds=61)) == "2 min"


def test_the_case_page_shows_both_targets_met_missed_or_running(db):
    due = NOW - timedelta(hours=1)
    answered_late = CaseFactory(
        state=State.RESOLVED,
        first_response_due_at=due,
        first_responded_at=due + timedelta(minutes=20),
        due_at=due,
        resolved_at=due - timedelta(minutes=5),
    )
    running = CaseFactory(
        state=State.IN_REVIEW,
        first_response_due_at=NOW + timedelta(minutes=30),
        due_at=NOW + timedelta(hours=7),
    )
    shown = lambda case: [(r["target"], r["status"], r["text"]) for r in case_targets(case, NOW)]  # noqa: E731
    assert shown(answered_late) == [
        (FIRST_RESPONSE, "breached", "missed by 20 min"),
        (RESOLUTION, "ok", "met"),
    ]
    assert shown(running) == [
        (FIRST_RESPONSE, "soon", "due in 30 min"),
        (RESOLUTION, "ok", "due in 7 h"),
    ]


# The pages.


def test_the_queue_row_counts_down_to_the_target_the_case_waits_for(client, agent):
    client.force_login(agent)
    soon = case_in(State.IN_REVIEW)
    Case.objects.filter(pk=soon.pk).update(
        first_response_due_at=timezone.now() + timedelta(minutes=40, seconds=30),
        due_at=timezone.now() + timedelta(hours=9),
    )
    late = case_in(State.IN_PROGRESS)
    Case.objects.filter(pk=late.pk).update(
        first_response_due_at=timezone.now() - timedelta(hours=2),
        first_responded_at=timezone.now() - timedelta(hours=3),
        due_at=timezone.now() - timedelta(minutes=24, seconds=30),
    )
    content = client.get("/").content.decode()
    assert (
        '<span class="sla sla-soon" title="First response">First response: due in 41 min</span>'
        in content
    )
    assert (
        '<span class="sla sla-breached" title="Resolution">Resolution: overdue by 25 min</span>'
        in content
    )


def test_the_case_page_shows_the_targets_with_words(client, agent):
    client.force_login(agent)
    case = case_in(State.IN_REVIEW)
    Case.objects.filter(pk=case.pk).update(
        first_response_due_at=timezone.now() + timedelta(hours=2, minutes=9, seconds=30),
        due_at=timezone.now() + timedelta(hours=19, minutes=59, seconds=30),
    )
    content = client.get(f"/cases/{case.reference}/").content.decode()
    assert (
        '<span class="sla sla-ok" data-target="first_response">First response: due in 2 h 10 min'
        "</span>" in content
    )
    assert '<span class="sla sla-ok" data-target="resolution">Resolution: due in 20 h</span>' in (
        content
    )


# The dashboard: the share that met each target in the window.


def test_the_share_met_counts_only_cases_whose_outcome_is_known(db):
    since = NOW - timedelta(days=7)
    created = NOW - timedelta(days=1)
    due = NOW - timedelta(hours=1)
    common = {"created_at": created, "first_response_due_at": due, "due_at": due}
    CaseFactory(first_responded_at=due - timedelta(minutes=1), resolved_at=due, **common)
    CaseFactory(first_responded_at=due + timedelta(minutes=1), **common)
    CaseFactory(**common)  # never answered, past due: missed both
    CaseFactory(  # nothing known yet: not counted
        created_at=created,
        first_response_due_at=NOW + timedelta(hours=1),
        due_at=NOW + timedelta(hours=2),
    )
    CaseFactory(  # outside the window
        created_at=NOW - timedelta(days=9), first_response_due_at=due, due_at=due
    )
    assert share_met(since, NOW) == {
        FIRST_RESPONSE: {"met": 1, "decided": 3, "percent": 33},
        RESOLUTION: {"met": 1, "decided": 3, "percent": 33},
    }


def test_the_dashboard_shows_the_share_met(client, supervisor):
    client.force_login(supervisor)
    due = timezone.now() - timedelta(hours=1)
    common = {"first_response_due_at": due, "due_at": due}
    CaseFactory(first_responded_at=due, resolved_at=due, **common)
    CaseFactory(first_responded_at=due + timedelta(minutes=1), resolved_at=due, **common)
    content = client.get("/dashboard/?days=7").content.decode()
    first = content.split('id="kpi-sla-first-response"')[1].split("</div>")[0]
    resolution = content.split('id="kpi-sla-resolution"')[1].split("</div>")[0]
    assert '<span class="value">50 %</span>' in first and "1 of 2 cases" in first
    assert '<span class="value">100 %</span>' in resolution and "2 of 2 cases" in resolution


def test_the_api_gives_the_first_response_due_time_and_when_it_went_out(agent):
    from rest_framework.test import APIClient

    case = case_in(State.IN_REVIEW)
    due = timezone.now() + timedelta(hours=1)
    Case.objects.filter(pk=case.pk).update(first_response_due_at=due)
    client = APIClient()
    client.force_authenticate(agent)
    body = client.get(f"/api/v1/cases/{case.reference}/").json()
    assert datetime.fromisoformat(body["first_response_due_at"]) == due
    assert body["first_responded_at"] is None


@pytest.mark.django_db(transaction=True)
def test_two_workers_recording_the_same_breach_at_once_record_it_once(postgres):
    from tests.threads import in_threads

    case = overdue_case()
    results = in_threads(record_breaches, record_breaches)
    assert sorted(results) == [0, 1], results
    assert breaches(case) == [FIRST_RESPONSE]
