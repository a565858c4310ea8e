"""Intake threading at the service level: follow-ups of closed cases."""

from cases.intake import message_receive
from cases.models import Case, State
from tests.factories import case_in


def test_replies_to_a_closed_case_gather_in_one_follow_up(db):
    closed = case_in(State.CLOSED)
    email = closed.customer.email
    first = message_receive(from_email=email, subject=f"Re: [#{closed.reference}]", body="Hi")
    second = message_receive(from_email=email, subject=f"Re: [#{closed.reference}]", body="Again")
    assert first.case.previous_case == closed
    assert second.case == first.case
    assert Case.objects.filter(previous_case=closed).count() == 1


def test_the_intake_returns_the_case_as_it_is_after_the_message(db):
    resolved = case_in(State.RESOLVED)
    intake = message_receive(
        from_email=resolved.customer.email, subject=f"[#{resolved.reference}]", body="Not fixed"
    )
    assert intake.case.state == State.IN_REVIEW
    assert intake.case.events.get().reason_codes == ["customer_replied"]


def test_drf_create_token_gives_an_integrator_a_working_token(integrator, client):
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    call_command("drf_create_token", "integrator")
    token = Token.objects.get(user=integrator)
    response = client.post(
        "/api/v1/messages/",
        {"from_email": "ada@example.com", "body": "Hello"},
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}"},
    )
    assert response.status_code == 201
