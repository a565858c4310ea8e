"""Files an agent sends with a reply: uploaded on the case page, or base64 in the API.

Checked as inbound mail's are (`cases.mail.attachments`): the bytes say what a file is, the
name is cleaned for display, programs and scripts are refused. At most `REPLY_MAX_FILES`
files and `REPLY_MAX_ATTACHMENT_BYTES` together: a mail server must still take the reply.
"""

import base64
import binascii

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.mail.attachments import ParsedAttachment, clean_filename, is_executable, sniff


class FilesInput(forms.FileInput):
    """Several files in one input; the payload holds them as a list (uploads or objects)."""

    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        if files and name in files:
            return files.getlist(name)
        return data.get(name)


class AttachmentsField(forms.Field):
    """Files for the customer: uploads, or `{"filename", "content_base64", "content_type"}`."""

    widget = FilesInput(attrs={"multiple": True})
    default_error_messages = {
        "type": gettext_lazy("Attachments must be a list of files."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            gettext_lazy(
                "Files sent with the reply: in the API a list of objects with filename, "
                "content_base64 and optionally content_type."
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value) -> list[ParsedAttachment]:
        if value in (None, "", []):
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        if len(value) > settings.REPLY_MAX_FILES:
            raise ValidationError(
                _("At most %(count)d files.") % {"count": settings.REPLY_MAX_FILES}, code="count"
            )
        files = [self.one(item) for item in value]
        if sum(len(f.data) for f in files) > settings.REPLY_MAX_ATTACHMENT_BYTES:
            limit = filesizeformat(settings.REPLY_MAX_ATTACHMENT_BYTES)
            raise ValidationError(
                _("The files are too big together: at most %(limit)s.") % {"limit": limit},
                code="size",
            )
        return files

    def one(self, item) -> ParsedAttachment:
        if isinstance(item, UploadedFile):
            # (one too big is refused below without reading it)
            data = b"" if item.size > settings.REPLY_MAX_ATTACHMENT_BYTES else item.read()
            name, declared = item.name or "", item.content_type or ""
            size = item.size
        elif isinstance(item, dict) and isinstance(item.get("content_base64"), str):
            try:
                data = base64.b64decode(item["content_base64"], validate=True)
            except (binascii.Error, ValueError):
                message = _("content_base64 is not valid base64.")
                raise ValidationError(message, code="base64") from None
            name = str(item.get("filename") or "")
            declared = str(item.get("content_type") or "")
            size = len(data)
        else:
            raise ValidationError(self.error_messages["type"], code="type")
        if size > settings.REPLY_MAX_ATTACHMENT_BYTES:
            limit = filesizeformat(settings.REPLY_MAX_ATTACHMENT_BYTES)
            raise ValidationError(
                _("%(name)s is too big: at most %(limit)s.") % {"name": name, "limit": limit},
                code="size",
            )
        if not data:
            raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
        content_type = sniff(data, declared)
        filename = clean_filename(name, content_type)
        if is_executable(filename, content_type):
            raise ValidationError(
                _("%(name)s is a program or a script: it is not sent.") % {"name": filename},
                code="executable",
            )
        return ParsedAttachment(
            filename=filename, declared_type=declared[:100], content_type=content_type, data=data
        )
