"""The policy in the admin: every change is a version that events cite; the what-if beside the
threshold replays the last 30 days of suggestions with their known outcomes."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.intake import message_receive
from cases.models import CaseEvent, State
from review.evidence import what_if
from review.models import Intent, ModelVersion, PolicyVersion, TrainingExample
from review.suggest import suggestion_create
from review.training import model_train
from tests.admin.forms import change_form_data
from tests.factories import IntentFactory, SuggestionFactory, UserFactory
from tests.review.test_suggest import EXAMPLES, POLICY


@pytest.fixture
def logged_in(client, supervisor):
    client.force_login(supervisor)
    return client


def save_policy(client, intent, **changes):
    url = reverse("admin:review_intent_change", args=[intent.pk])
    response = client.post(url, change_form_data(client.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    intent.refresh_from_db()
    return intent


def test_a_policy_edit_in_the_admin_is_a_new_version_by_its_author(logged_in, supervisor):
    intent = IntentFactory(slug="order_status", threshold=0.8)
    assert intent.policy_version == 1
    save_policy(logged_in, intent, threshold="0.9", four_eyes="on")
    assert intent.policy_version == 2
    version = PolicyVersion.objects.get(intent=intent, version=2)
    assert version.changed_by == supervisor
    assert (version.snapshot["threshold"], version.snapshot["four_eyes"]) == (0.9, True)


def test_a_save_without_a_policy_change_makes_no_version(logged_in):
    intent = IntentFactory(slug="order_status")
    save_policy(logged_in, intent, name="Where is my order")
    assert (intent.name, intent.policy_version) == ("Where is my order", 1)
    assert PolicyVersion.objects.filter(intent=intent).count() == 1


def test_the_policy_versions_are_shown_and_cannot_be_edited(logged_in):
    intent = IntentFactory(slug="order_status")
    save_policy(logged_in, intent, threshold="0.95")
    response = logged_in.get(reverse("admin:review_intent_change", args=[intent.pk]))
    (versions,) = response.context["inline_admin_formsets"]
    assert versions.formset.queryset.count() == 2
    assert not versions.has_add_permission and not versions.has_change_permission
    assert not versions.has_delete_permission


def test_a_manual_intent_cannot_be_automated_in_the_admin(logged_in):
    intent = IntentFactory(slug="technical_fault", action="manual", mode="assist")
    url = reverse("admin:review_intent_change", args=[intent.pk])
    response = logged_in.post(url, change_form_data(logged_in.get(url), mode="auto"))
    assert response.status_code == 200
    intent.refresh_from_db()
    assert (intent.mode, intent.policy_version) == ("assist", 1)


def test_events_cite_the_policy_version_in_force(logged_in, settings):
    settings.OUT_OF_SCOPE_THRESHOLD = 0.2
    for slug, texts in EXAMPLES.items():
        intent = IntentFactory(slug=slug, threshold=0.3, **POLICY[slug])
        TrainingExample.objects.bulk_create(
            TrainingExample(text=text, intent=intent, source="seed") for text in texts
        )
    model_train()
    order_status = Intent.objects.get(slug="order_status")

    def routed_event():
        intake = message_receive(from_email="ada@example.com", body="Where is my order 123456?")
        suggestion = suggestion_create(case_id=intake.case.pk)
        assert suggestion.intent == order_status
        event = CaseEvent.objects.get(case=intake.case, name__in=["automate", "route_to_review"])
        return suggestion, event

    save_policy(logged_in, order_status, threshold="0.31")
    suggestion, first = routed_event()
    assert suggestion.policy_version == first.policy_version == 2
    save_policy(logged_in, order_status, mode="assist")
    suggestion, second = routed_event()
    assert suggestion.policy_version == second.policy_version == 3
    assert "intent_mode_assist" in second.reason_codes
    first.refresh_from_db()
    assert first.policy_version == 2  # history keeps the version it was decided under


# The what-if, on a fixture small enough to compute by hand.
#   confidence  outcome                    automated at 0.7 / 0.8 / 0.83 / 0.9
#   0.95        approve                          yes / yes / yes / yes
#   0.90        amend          (corrected)       yes / yes / yes / yes
#   0.85        customer_decline (corrected)     yes / yes / yes / no
#   0.82        (none yet)                       yes / yes / no  / no
#   0.75        take_over      (corrected)       yes / no  / no  / no
#   0.60        approve                          no  / no  / no  / no
#   0.97        approve, but a legal risk flag:  never automated
#   0.99        40 days ago:                     outside the 30 days
#   0.99        another intent:                  not this intent's
# So: 0.7 → 5 automated, 3 corrected; 0.8 → 4, 2; 0.83 → 3, 2; 0.9 → 2, 1.
EXPECTED = {0.7: (5, 3), 0.8: (4, 2), 0.83: (3, 2), 0.9: (2, 1)}


def verdict(suggestion, name, **fields):
    return CaseEvent.objects.create(
        case=suggestion.case,
        name=name,
        from_state=State.IN_REVIEW,
        to_state=State.RESOLVED,
        actor_kind="agent",
        suggestion=suggestion,
        **fields,
    )


@pytest.fixture
def history(db):
    intent = IntentFactory(slug="order_status", mode="assist", threshold=0.8)
    other = IntentFactory(slug="invoice_copy")

    def suggestion(confidence, outcome=None, *, of=intent, days_ago=1, **fields):
        made = SuggestionFactory(
            intent=of,
            confidence=confidence,
            created_at=timezone.now() - timedelta(days=days_ago),
            **fields,
        )
        if outcome:
            verdict(made, outcome)
        return made

    suggestion(0.95, "approve")
    suggestion(0.90, "amend")
    suggestion(0.85, "customer_decline")
    suggestion(0.82)
    suggestion(0.75, "take_over")
    suggestion(0.60, "approve")
    suggestion(0.97, "approve", risk_flags=["legal"])
    suggestion(0.99, "amend", days_ago=40)
    suggestion(0.99, "amend", of=other)
    # A reopen that is not negative feedback is no verdict.
    reopened = suggestion(0.30)
    verdict(reopened, "reopen", reason_codes=["customer_replied"])
    return intent


def test_the_what_if_matches_the_hand_computed_replay(history):
    result = what_if(history, thresholds=EXPECTED)
    assert result.suggestions == 8  # this intent, last 30 days
    assert result.with_outcome == 6
    found = {row.threshold: (row.automated, row.corrected) for row in result.rows}
    assert found == EXPECTED
    assert [row.threshold for row in result.rows if row.current] == [0.8]


def test_the_what_if_replays_with_the_models_learned_threshold_and_says_so(history, logged_in):
    ModelVersion.objects.create(
        engine=settings.ENGINE,
        label="learned-1",
        blob=b"",
        sha256="0" * 64,
        is_active=True,
        metrics={"thresholds": {"per_intent": {history.slug: 0.85}}},
    )
    result = what_if(history, thresholds=EXPECTED)
    found = {row.threshold: (row.automated, row.corrected) for row in result.rows}
    # Below 0.85 the model's own threshold decides: the rows at 0.7, 0.8, 0.83 replay at 0.85.
    assert found[0.7] == found[0.8] == found[0.83] == EXPECTED[0.83]
    assert found[0.9] == EXPECTED[0.9] and result.learned == 0.85
    page = logged_in.get(reverse("admin:review_intent_change", args=[history.pk])).content
    assert b"The active model learned a threshold of 0.85 for this intent" in page


def test_negative_feedback_counts_as_a_correction(history):
    late = SuggestionFactory(intent=history, confidence=0.99)
    verdict(late, "approve")
    verdict(late, "reopen", reason_codes=["customer_feedback_negative"])
    (row,) = [r for r in what_if(history, thresholds=[0.9]).rows if r.threshold == 0.9]
    assert (row.automated, row.corrected) == (3, 2)


def test_the_what_if_stands_beside_the_threshold_in_the_admin(logged_in, history):
    response = logged_in.get(reverse("admin:review_intent_change", args=[history.pk]))
    page = response.content.decode()
    assert 'id="what-if"' in page
    threshold_at, what_if_at = page.index('name="threshold"'), page.index('id="what-if"')
    assert 0 < what_if_at - threshold_at < 2000  # on the same row of the form
    assert 'hx-get="/admin/review/intent/' in page
    row = page[page.index('data-threshold="0.80"') :]
    assert (
        '<td class="automated">4</td>' in row[:400] and '<td class="corrected">2</td>' in row[:400]
    )


def test_typing_a_threshold_replays_it(logged_in, history):
    url = reverse("admin:review_intent_what_if", args=[history.pk])
    page = logged_in.get(url, {"threshold": "0.83"}).content.decode()
    row = page[page.index('data-threshold="0.83"') :][:400]
    assert "typed" in row
    assert '<td class="automated">3</td>' in row and '<td class="corrected">2</td>' in row


@pytest.mark.parametrize("value", ["", "abc", "1.5", "-0.1"])
def test_a_threshold_outside_0_to_1_is_a_400(logged_in, history, value):
    url = reverse("admin:review_intent_what_if", args=[history.pk])
    assert logged_in.get(url, {"threshold": value}).status_code == 400


def test_an_agent_gets_no_what_if(client, history):
    client.force_login(UserFactory(username="agent", role="agent"))
    url = reverse("admin:review_intent_what_if", args=[history.pk])
    assert client.get(url, {"threshold": "0.8"}).status_code == 302
