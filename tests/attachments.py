"""Attachments for tests: stored as the email intake stores them, and read back as a download.

Shared by the staff view's tests (tests/cases/test_attachment_download.py) and the API's
(tests/api/test_attachments.py); each file sets MEDIA_ROOT to a temporary directory itself.
"""

from cases.mail.attachments import ParsedAttachment
from cases.models import Attachment, Message
from tests.factories import MessageFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'


def attach(case, data=PNG, *, filename="photo.png", content_type="image/png", rejected=""):
    """Store an attachment on a new inbound message of the case, as the email intake does."""
    message = MessageFactory(case=case)
    item = ParsedAttachment(
        filename=filename,
        declared_type=content_type,
        content_type=content_type,
        data=b"" if rejected else data,
        rejected=rejected,
    )
    Attachment.store(message=message, item=item)
    return message.attachments.get()


def add_messages_with_attachments(case, n: int) -> None:
    """`n` inbound messages with two attachments each; every third message's were refused."""
    messages = Message.objects.bulk_create(
        Message(case=case, direction="in", author_kind="customer", text=f"Message {i}")
        for i in range(n)
    )
    Attachment.objects.bulk_create(
        Attachment(
            message=message,
            file="" if i % 3 == 0 else f"attachments/2026/01/{i}-{j}.png",
            filename=f"photo-{i}-{j}.png",
            content_type="image/png",
            size=1234,
            rejected="too large" if i % 3 == 0 else "",
        )
        for i, message in enumerate(messages)
        for j in range(2)
    )


def download(client, address, **headers):
    """GET a download; return the response and its bytes (reading to the end closes the file)."""
    response = client.get(address, headers=headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body
