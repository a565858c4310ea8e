"""A reply joins its case on its own only when its sender can be believed: our MTA's
Authentication-Results when configured, else an envelope of the From's own domain."""

import pytest

from cases.mail.intake import email_ingest
from cases.mail.trust import sender_check
from cases.models import Case, State
from review.suggest import build_suggestion
from tests.mail.corpus import mail

OURS = "mx.shop.example"


@pytest.mark.parametrize(
    ("authserv", "results", "envelope", "verdict"),
    [
        (OURS, [f"{OURS}; dmarc=pass header.from=example.com"], None, ""),
        (OURS, [f"{OURS}; dmarc=fail (p=reject) header.from=example.com"], None, "forged"),
        (OURS, [f"{OURS}; spf=pass smtp.mailfrom=ada@example.com"], None, ""),
        (OURS, [f"{OURS}; dkim=pass header.d=example.com"], None, ""),
        (OURS, [f"{OURS}; spf=pass smtp.mailfrom=bounce@evil.example"], None, "unverified"),
        # Anyone can write this header: only our own server's counts.
        (OURS, ["mx.evil.example; dmarc=pass header.from=example.com"], None, "unverified"),
        (OURS, [], None, "unverified"),
        ("", [], "attacker@evil.example", "unverified"),
        ("", [], "ada@example.com", ""),
        ("", [], "bounces+ada=example.com@example.com", ""),
        ("", [], None, ""),  # no envelope known (IMAP, the API): nothing against the sender
        ("", [], "", ""),  # a bounce's null sender
    ],
)
def test_the_sender_is_believed_only_on_good_grounds(
    settings, authserv, results, envelope, verdict
):
    settings.MAIL_AUTHSERV_ID = authserv
    assert sender_check("ada@example.com", results, envelope) == verdict


def reply_to(world, name: str) -> bytes:
    return mail(
        name,
        "Thanks, but it still has not arrived.\n",
        subject="Re: Where is my order?",
        headers=(f"In-Reply-To: {world.resolved_id}",),
    )


def test_a_reply_with_a_foreign_envelope_opens_a_case_beside_its_own_for_a_person(world):
    result = email_ingest(reply_to(world, "forged-from"), envelope_from="attacker@evil.example")
    case = result.case
    assert case != world.resolved and case.previous_case == world.resolved
    assert result.message.sender_check == "unverified"
    world.resolved.refresh_from_db()
    assert world.resolved.state == State.RESOLVED  # untouched
    fields = build_suggestion(case, result.message, None, None)
    assert "sender_unverified" in fields["reason_codes"] and not fields["automatable"]


def test_a_reply_from_the_customers_own_domain_joins_its_case(world):
    result = email_ingest(reply_to(world, "own-domain"), envelope_from="ada@example.com")
    assert result.case == world.resolved and result.message.sender_check == ""
    assert Case.objects.get(pk=world.resolved.pk).state == State.IN_REVIEW  # reopened
