"""The supervisors' dashboard: who sees it, what its figures say on a small world computed by
hand, that its query count does not grow with the data, and its policy buttons."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, State
from review.evidence import Agreement, IntentEvidence, readiness, wilson
from review.models import AuditEntry, Intent, PolicyVersion, ReviewItem
from tests.factories import CaseFactory, IntentFactory, SuggestionFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


# Access.


def test_a_supervisor_sees_the_dashboard(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert b"Automation rate" in response.content


def test_an_agent_is_refused(client, agent):
    client.force_login(agent)
    assert client.get(reverse("dashboard")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_htmx_poll_after_the_session_ended_sends_the_whole_page_to_log_in(client, db):
    response = client.get(reverse("training-progress", args=[1]), **HTMX)
    assert response.status_code == 200 and response["HX-Redirect"].startswith("/accounts/login/")


def test_only_supervisors_get_the_dashboard_link(client, agent, supervisor):
    client.force_login(agent)
    assert b'href="/dashboard/"' not in client.get(reverse("queue")).content
    client.force_login(supervisor)
    assert b'href="/dashboard/"' in client.get(reverse("queue")).content


# The evidence: Wilson intervals and the signal per intent.


@pytest.mark.parametrize(
    ("agreed", "total", "low", "high"),
    [
        (0, 0, 0.0, 1.0),
        (5, 10, 0.2366, 0.7634),
        (2, 3, 0.2077, 0.9385),
        (10, 10, 0.7225, 1.0),
        (0, 10, 0.0, 0.2775),
        (95, 100, 0.8882, 0.9785),
    ],
)
def test_the_wilson_interval_matches_the_textbook(agreed, total, low, high):
    found = wilson(agreed, total)
    assert found == pytest.approx((low, high), abs=5e-5)


@pytest.mark.parametrize(
    ("mode", "action", "risk", "agreed", "total", "signal"),
    [
        ("assist", "reply", "none", 0, 0, "not_enough"),
        ("assist", "reply", "none", 19, 19, "not_enough"),
        ("assist", "reply", "none", 50, 50, "ready"),  # 95 % sure: at least 92.9 %
        ("assist", "reply", "none", 45, 50, "keep"),  # could be as low as 78.6 %
        ("auto", "reply", "none", 30, 50, "back_to_assist"),  # at most 73 %
        ("auto", "reply", "none", 45, 50, "keep"),
        ("auto", "choose", "none", 50, 50, "keep"),
        ("assist", "manual", "none", 50, 50, "not_applicable"),
        ("assist", "reply", "financial", 50, 50, "not_applicable"),
    ],
)
def test_the_signal_moves_an_intent_only_when_the_evidence_says_so(
    db, mode, action, risk, agreed, total, signal
):
    intent = IntentFactory(slug="some_intent", mode=mode, action=action, risk_class=risk)
    evidence = IntentEvidence(humans=Agreement(agreed, total))
    found = readiness(intent, evidence)
    assert found.kind == signal
    assert found.proposed_mode == {"ready": "auto", "back_to_assist": "assist"}.get(signal, "")


# The figures, on a world small enough to count by hand.


def event(case, name, *, suggestion=None, days_ago=0, reason_codes=(), **fields):
    return CaseEvent.objects.create(
        case=case,
        name=name,
        from_state=fields.pop("from_state", State.NEW),
        to_state=fields.pop("to_state", State.IN_REVIEW),
        actor_kind=fields.pop("actor_kind", "system"),
        suggestion=suggestion,
        reason_codes=list(reason_codes),
        created_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


def world(n_cases: int = 6, now=None):
    """`n_cases` cases per kind; every count below scales with it.

    Per block: order_status automated x3 and to review x1; refunds to review x2. People:
    order_status approved x2, amended x1. Customers: accepted x1, declined x1, silent x1.
    """
    now = now or timezone.now()
    auto = IntentFactory(slug="order_status", mode="auto", threshold=0.8)
    assist = IntentFactory(slug="refund_request", mode="assist", risk_class="financial")
    for _ in range(n_cases // 6 or 1):
        cases = [CaseFactory(state=State.IN_REVIEW) for _ in range(6)]
        suggestions = [
            SuggestionFactory(case=case, intent=auto if i < 4 else assist)
            for i, case in enumerate(cases)
        ]
        for i in range(3):
            event(cases[i], "automate", suggestion=suggestions[i], to_state=State.RESOLVED)
        for i in range(3, 6):
            event(cases[i], "route_to_review", suggestion=suggestions[i])
            ReviewItem.objects.create(
                case=cases[i],
                reason_codes=["low_confidence"] if i == 3 else ["risk_class:financial"],
            )
        for i, name in enumerate(["approve", "approve", "amend"]):
            event(cases[i], name, suggestion=suggestions[i], actor_kind="agent")
        for i, name in enumerate(["customer_accept", "customer_decline", "expire"]):
            event(cases[i], name, suggestion=suggestions[i], actor_kind="customer")
        Case.objects.filter(pk=cases[0].pk).update(
            state=State.RESOLVED,
            created_at=now - timedelta(hours=30),
            resolved_at=now - timedelta(hours=28),
        )
        Case.objects.filter(pk=cases[1].pk).update(
            state=State.RESOLVED,
            created_at=now - timedelta(hours=10),
            resolved_at=now - timedelta(hours=9, minutes=30),
        )
        Case.objects.filter(pk=cases[5].pk).update(due_at=now - timedelta(hours=3))
    return auto, assist


@pytest.fixture
def figures(client, supervisor):
    world()
    client.force_login(supervisor)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response


def test_the_automation_rate_counts_automated_among_routed_cases(figures):
    assert figures.context["automation"] == Agreement(3, 6)
    assert "50 %" in figures.content.decode()


def test_agreement_per_intent_counts_people_and_customers_apart(figures):
    rows = {row.intent.slug: row for row in figures.context["intents"]}
    order = rows["order_status"]
    assert (order.routed, order.automated) == (4, 3)
    assert order.evidence.humans == Agreement(2, 3)
    assert order.evidence.customers == Agreement(1, 2)  # a silent customer is no verdict
    assert order.evidence.humans.interval == pytest.approx((0.2077, 0.9385), abs=5e-5)
    assert rows["refund_request"].signal.kind == "not_applicable"
    page = figures.content.decode()
    assert 'id="intent-order_status"' in page and '<svg class="interval"' in page


def test_customer_decisions_are_shown_as_shares(figures):
    customers = figures.context["customers"]
    assert (customers["accepted"], customers["declined"], customers["silent"]) == (1, 1, 1)
    assert "33 %" in figures.content.decode()


def test_reason_codes_backlog_overdue_and_time_to_resolution(figures):
    context = figures.context
    assert dict((code, n) for code, _words, n in context["reasons"]) == {
        "low_confidence": 1,
        "risk_class:financial": 2,
    }
    assert context["backlog"]["open"] == 4 and context["backlog"]["overdue"] == 1
    assert [case.pk for case in context["overdue_cases"]] == [
        Case.objects.get(due_at__lt=timezone.now()).pk
    ]
    assert context["resolution"]["resolved"] == 2
    assert context["resolution"]["median"] == "2.0 h"  # 30 min and 2 h: the upper middle


def test_the_charts_are_server_rendered_svg_without_scripts(figures):
    page = figures.content.decode()
    assert page.count('<figure class="chart">') == 5
    assert page.count("<rect ") >= 8
    assert "cdn" not in page.lower()
    scripts = [line for line in page.splitlines() if "<script" in line]
    assert all("/static/" in line for line in scripts)


def test_each_chart_also_gives_its_numbers_as_a_table(figures):
    chart = figures.context["backlog_chart"]
    assert ["In review", 4] in chart.rows


@pytest.mark.parametrize("days", ["7", "30", "90", "5", "x"])
def test_the_period_can_be_chosen_and_falls_back_to_30_days(client, supervisor, days):
    world()
    client.force_login(supervisor)
    response = client.get(reverse("dashboard"), {"days": days})
    assert response.status_code == 200
    assert response.context["window"].days == (int(days) if days in ("7", "30", "90") else 30)


def test_events_older_than_the_period_do_not_count(client, supervisor):
    world()
    old = CaseFactory(state=State.RESOLVED)
    event(old, "automate", to_state=State.RESOLVED, days_ago=10)
    client.force_login(supervisor)
    week = client.get(reverse("dashboard"), {"days": 7}).context["automation"]
    month = client.get(reverse("dashboard"), {"days": 30}).context["automation"]
    assert (week, month) == (Agreement(3, 6), Agreement(4, 7))


def test_the_query_count_does_not_grow_with_the_data(client, supervisor):
    client.force_login(supervisor)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dashboard")).status_code == 200
        return len(captured)

    world(6)
    client.get(reverse("dashboard"))  # once for one-time work (session, caches)
    small = queries()
    world(200)
    large = queries()
    assert Case.objects.count() > 200
    assert small == large, (small, large)
    assert small <= 20


# The policy button.


@pytest.fixture
def ready(db):
    """An assist intent people agreed with 60 times out of 60."""
    intent = IntentFactory(slug="invoice_copy", mode="assist")
    for _ in range(60):
        suggestion = SuggestionFactory(intent=intent)
        event(suggestion.case, "approve", suggestion=suggestion, actor_kind="agent")
    return intent


def test_a_ready_intent_gets_a_button_that_switches_it_to_auto(client, supervisor, ready):
    client.force_login(supervisor)
    page = client.get(reverse("dashboard")).content.decode()
    row = page[page.index('id="intent-invoice_copy"') :]
    row = row[: row.index("</tr>")]
    assert "Ready to automate" in row and 'value="auto"' in row
    response = client.post(
        reverse("dashboard-intent-mode", args=["invoice_copy"]), {"mode": "auto"}
    )
    assert response.status_code == 302
    ready.refresh_from_db()
    assert (ready.mode, ready.policy_version) == ("auto", 2)
    version = PolicyVersion.objects.get(intent=ready, version=2)
    assert version.changed_by == supervisor and version.snapshot["mode"] == "auto"
    entry = AuditEntry.objects.get(action="policy_changed")
    assert (entry.actor, entry.object_id) == (supervisor, str(ready.pk))
    assert entry.data["before"] == "assist" and entry.data["after"] == "auto"
    assert entry.data["policy_version"] == 2
    assert entry.data["evidence"]["agreed"] == entry.data["evidence"]["decisions"] == 60


def test_a_second_click_changes_nothing(client, supervisor, ready):
    client.force_login(supervisor)
    url = reverse("dashboard-intent-mode", args=["invoice_copy"])
    client.post(url, {"mode": "auto"})
    client.post(url, {"mode": "auto"})
    ready.refresh_from_db()
    assert ready.policy_version == 2 and AuditEntry.objects.count() == 1


def test_a_manual_intent_cannot_be_switched_to_auto(client, supervisor):
    manual = IntentFactory(slug="technical_fault", mode="assist", action="manual")
    client.force_login(supervisor)
    response = client.post(
        reverse("dashboard-intent-mode", args=[manual.slug]), {"mode": "auto"}, follow=True
    )
    assert "Manual intents cannot be automated." in response.content.decode()
    manual.refresh_from_db()
    assert (manual.mode, manual.policy_version) == ("assist", 1)
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("who", "method", "data", "status"),
    [
        ("agent", "post", {"mode": "auto"}, 403),
        ("supervisor", "get", {}, 405),
        ("supervisor", "post", {"mode": "yolo"}, 400),
    ],
)
def test_the_policy_button_refuses_what_it_should(
    client, agent, supervisor, ready, who, method, data, status
):
    client.force_login(agent if who == "agent" else supervisor)
    url = reverse("dashboard-intent-mode", args=["invoice_copy"])
    assert getattr(client, method)(url, data).status_code == status
    ready.refresh_from_db()
    assert ready.mode == Intent.Mode.ASSIST and not AuditEntry.objects.exists()


# The threshold that decides: the policy's, or the model's own where it learned a higher one.


def test_the_intent_table_shows_the_threshold_that_decides(client, supervisor, settings):
    from review.models import ModelVersion

    learned = IntentFactory(slug="learned_one", name="Learned one", threshold=0.80)
    never = IntentFactory(slug="never_alone", name="Never alone", threshold=0.80)
    plain = IntentFactory(slug="policy_only", name="Policy only", threshold=0.85)
    ModelVersion.objects.create(
        engine=settings.ENGINE,
        label="learned-1",
        blob=b"",
        sha256="0" * 64,
        is_active=True,
        metrics={
            "thresholds": {
                "per_intent": {learned.slug: 0.97, plain.slug: 0.60},
                "status": {never.slug: "unreachable"},
            }
        },
    )
    client.force_login(supervisor)
    page = client.get(reverse("dashboard")).content.decode()

    def cell(slug):
        row = page.split(f'id="intent-{slug}"', 1)[1].split("</tr>", 1)[0]
        return " ".join(row.split("</th>", 1)[1].split("<td>")[2].split())

    assert cell(learned.slug).startswith('0.97 <span class="muted">learned; policy 0.80</span>')
    assert ">never alone</span>" in cell(never.slug)
    # A learned threshold below the policy's does not decide: the policy's is shown.
    assert cell(plain.slug).startswith("0.85</td>")


@pytest.mark.parametrize("language", ["en", "de"])
def test_chart_coordinates_are_numbers_in_every_language(client, supervisor, language):
    """German formats 12.5 as "12,5": inside an SVG attribute that breaks every bar."""
    world()
    client.force_login(supervisor)
    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    shapes = re.findall(r"<(?:rect|line|text|circle) [^>]*>", html)
    coordinates = [
        value
        for shape in shapes
        for value in re.findall(r'\b(?:x|y|width|height|x1|y1|x2|y2|cx|cy|r)="([^"]*)"', shape)
    ]
    assert coordinates
    assert [v for v in coordinates if not re.fullmatch(r"-?\d+(\.\d+)?", v)] == []


def test_intents_are_named_in_the_readers_language(client, supervisor):
    world()
    Intent.objects.filter(slug="order_status").update(name_de="Bestellstatus")
    client.force_login(supervisor)
    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<th scope="row">Bestellstatus<br><span class="muted">order_status</span></th>' in html
