"""Machine-made mail (bounces, auto-replies, lists, our own mail) told apart from a person's."""

from email.message import Message as EmailMessage
from email.utils import parseaddr

from django.conf import settings

from cases.mail.headers import raw_header, safe_content_type


def automatic_kind(message: EmailMessage, sender: str) -> str:
    """Why this mail was sent by a machine, from its headers; "" when a person sent it.

    Such mail is stored but never answered (RFC 3834) and never read as customer intent:
    answering an auto-reply or a bounce is how mail loops start.
    """

    def header(name: str) -> str:
        return (raw_header(message, name, limit=200) or "").strip().lower()

    if safe_content_type(message) == "multipart/report":
        report = str(message.get_param("report-type", failobj="") or "").lower()
        return "read_receipt" if report == "disposition-notification" else "bounce"
    local = sender.partition("@")[0]
    if local in ("mailer-daemon", "postmaster") or header("return-path") == "<>":
        return "bounce"
    auto_submitted = header("auto-submitted")
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return "auto_replied" if "auto-replied" in auto_submitted else "auto_generated"
    if header("x-autoreply") or header("x-autorespond") or header("x-autoresponder"):
        return "auto_replied"
    precedence = header("precedence") or header("x-precedence")
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return "mailing_list" if precedence == "list" else "bulk"
    if header("list-id") or header("list-unsubscribe"):
        return "mailing_list"
    if sender and sender in own_addresses():
        return "own_address"  # our own mail came back: never answer ourselves
    return ""


def own_addresses() -> set[str]:
    return {parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()} - {""}
