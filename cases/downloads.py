"""How an attachment's file leaves us: always as a private download, never rendered inline.

Shared by the staff view (`cases.views.case_attachment`) and the REST API
(`cases.api.views.CaseViewSet.attachment`): the same headers and type rule for both.
"""

from django.http import FileResponse, HttpResponse, HttpResponseNotFound

from cases.mail.attachments import clean_filename
from cases.models import Attachment

# Types a browser shows but cannot run; anything else (HTML, SVG, XML, PDF, …) is sent as bare
# bytes, so that even a browser that ignored the headers below would not render it.
PASSIVE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "text/plain", "text/csv"}


def attachment_download(attachment: Attachment) -> HttpResponse | None:
    """Send the attachment's file as a private download; None when there is no file to send.

    The one place that decides how a file leaves us: the staff view (`cases.views.case_attachment`)
    and the REST API (`cases.api.views.CaseViewSet.attachment`) both answer with it.
    """
    if attachment.rejected or not attachment.file:
        return None
    try:
        content = attachment.file.storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        return None
    content_type = attachment.content_type
    response = FileResponse(
        content,
        as_attachment=True,
        # Cleaned again: rows from before the intake cleaned names, or edited by hand.
        filename=clean_filename(attachment.filename, content_type),
        content_type=content_type if content_type in PASSIVE_TYPES else "application/octet-stream",
    )
    return private_file_headers(response)


def attachment_not_found(text: str) -> HttpResponse:
    response = HttpResponseNotFound(text, content_type="text/plain; charset=utf-8")
    return private_file_headers(response)


def private_file_headers(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
