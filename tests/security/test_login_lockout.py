"""Login lockout (django-axes): wrong passwords lock a username, and an address, on both login
pages; the page says what happened; a success resets the count; a lock ends."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory

LOCKED = (
    "Too many failed logins for this user or from this address. Logging in is blocked for 15 "
    "minutes; then try again, or ask a supervisor to set a new password."
)
PAGES = {"workspace": "/accounts/login/", "admin": "/admin/login/"}


def attempt(client, page, username, password, address="10.0.0.1"):
    return client.post(
        PAGES[page], {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.mark.parametrize("page", PAGES)
def test_five_wrong_passwords_lock_the_user_even_with_the_right_one(db, page):
    UserFactory(username="supervisor", role="supervisor")
    client = Client()
    for _ in range(4):
        assert attempt(client, page, "supervisor", "wrong").status_code == 200
    locked = attempt(client, page, "supervisor", "wrong")
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    right = attempt(client, page, "supervisor", "pw")
    assert right.status_code == 429 and LOCKED in right.content.decode()
    assert "_auth_user_id" not in client.session
    # From another address the username is locked too: guessing from many places is no way in.
    assert attempt(Client(), page, "supervisor", "pw", address="10.0.0.2").status_code == 429


def test_one_address_trying_many_users_is_locked_out(db):
    UserFactory(username="agent", role="agent")
    client = Client()
    for number in range(5):
        attempt(client, "workspace", f"user{number}", "wrong")
    assert attempt(client, "workspace", "agent", "pw").status_code == 429
    assert attempt(Client(), "workspace", "agent", "pw", address="10.0.0.9").status_code == 302


def test_a_success_resets_the_count_and_a_lock_ends(db, settings):
    UserFactory(username="agent", role="agent")
    for _ in range(4):
        attempt(Client(), "workspace", "agent", "wrong")
    assert attempt(Client(), "workspace", "agent", "pw").status_code == 302
    for _ in range(4):  # counted afresh after the success
        assert attempt(Client(), "workspace", "agent", "wrong").status_code == 200
    assert attempt(Client(), "workspace", "agent", "wrong").status_code == 429
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(Client(), "workspace", "agent", "pw").status_code == 302


def test_there_is_no_password_reset_by_email(client, db):
    for path in ("/accounts/password_reset/", "/accounts/reset/done/"):
        assert client.get(path).status_code == 404
        assert client.post(path, {"email": "a@example.com"}).status_code == 404
