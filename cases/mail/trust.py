"""Whether a mail's From can be believed enough to join a customer's case on its own.

Threading finds a case by our Message-IDs or the case's reference, and only among the cases of
the customer named in From. From alone is easy to forge. When `MAIL_AUTHSERV_ID` names our MTA,
its `Authentication-Results` decide: DMARC pass, or SPF or DKIM pass for the From's domain,
verifies the sender; DMARC fail marks the mail as forged; anything else leaves it unverified.
Without it, a mail whose envelope sender is of another domain than its From is unverified.
An unverified or forged mail does not join the case silently: it opens a case of its own,
linked to the one it names, and a person decides (`sender_unverified`).
"""

import re

from django.conf import settings

RESULT = re.compile(r"\b(dmarc|spf|dkim)=(\w+)([^;]*)", re.IGNORECASE)
PROPERTY = re.compile(r"\b(?:smtp\.mailfrom|header\.from|header\.d|header\.i)=([^\s;]+)")


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().strip("<>").lower()


def sender_check(from_email: str, auth_results: list[str], envelope_from: str | None) -> str:
    """ "" (nothing against the sender), "forged" or "unverified"."""
    domain = domain_of(from_email)
    authserv = settings.MAIL_AUTHSERV_ID.strip().lower()
    if authserv:
        for header in auth_results:
            served_by, _, results = header.partition(";")
            if served_by.strip().split(" ", 1)[0].lower() != authserv:
                continue  # another server's claims: anyone can write this header
            verdict = verified(results, domain)
            if verdict is not None:
                return verdict
        return "unverified"
    if envelope_from and domain_of(envelope_from) != domain:
        return "unverified"
    return ""


def verified(results: str, domain: str) -> str | None:
    outcomes = {}
    for method, outcome, properties in RESULT.findall(results):
        names = {domain_of(value) for value in PROPERTY.findall(properties)}
        outcomes.setdefault(method.lower(), []).append((outcome.lower(), names))
    if any(outcome == "pass" for outcome, _ in outcomes.get("dmarc", [])):
        return ""
    if any(outcome == "fail" for outcome, _ in outcomes.get("dmarc", [])):
        return "forged"
    for method in ("spf", "dkim"):
        if any(
            outcome == "pass" and domain in names for outcome, names in outcomes.get(method, [])
        ):
            return ""
    return None
