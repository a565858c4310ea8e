"""What customers and agents wrote: messages, the files that came with them, quarantined mail."""

import hashlib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from cases.models.delivery import Delivery


class Message(Delivery):
    class Direction(models.TextChoices):
        INBOUND = "in", _("Inbound")
        OUTBOUND = "out", _("Outbound")

    class AuthorKind(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")
        AI = "ai", _("AI")
        SYSTEM = "system", _("System")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="messages", verbose_name=_("case")
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    author_kind = models.CharField(_("author kind"), max_length=10, choices=AuthorKind.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("author"),
    )
    channel = models.CharField(_("channel"), max_length=20, default="api")
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    text = models.TextField(_("text"), blank=True)
    html = models.TextField(
        _("HTML"), blank=True, help_text=_("Sanitised HTML, if the message had any.")
    )
    # What the engine reads: the text without quoted history and signature (email); empty when
    # that is the whole text. `text` keeps everything the customer sent.
    engine_text = models.TextField(_("text the AI reads"), blank=True)
    # Why a message is machine-made (auto_replied, bounce, mailing_list, …): stored, never
    # answered, never read as customer intent. Empty for a person's message.
    automatic = models.CharField(_("machine-made because"), max_length=40, blank=True)
    # A reply whose sender was not believed ("forged", "unverified"; cases/mail/trust.py): it
    # did not join the case it named, and a person decides.
    sender_check = models.CharField(_("sender check"), max_length=12, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    external_id = models.CharField(_("external ID"), max_length=255, blank=True)
    message_id = models.CharField(_("message ID"), max_length=255, blank=True, db_index=True)
    in_reply_to = models.CharField(_("in reply to"), max_length=255, blank=True)
    references = models.TextField(_("references"), blank=True)
    # Outbound messages are their own outbox: sent once, by the task that claims them; tried
    # again until a server accepts them, or undelivered (`Delivery`).
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_external_id_per_channel",
            )
        ]

    def __str__(self):
        # The case by its reference, as people know it (the admin's inline rows show this).
        return _("%(direction)s message of case %(reference)s") % {
            "direction": self.get_direction_display(),
            "reference": self.case.reference,
        }

    @property
    def delivery_state(self) -> str:
        """ "sent", "undelivered", "retrying" (a failed attempt, another one due) or "pending"."""
        if self.undelivered_at:  # refused, or accepted and bounced later
            return "undelivered"
        if self.sent_at:
            return "sent"
        return "retrying" if self.attempts else "pending"

    @property
    def text_for_engine(self) -> str:
        return self.engine_text or self.text


def attachment_storage():
    """Attachments' storage (settings.STORAGES["attachments"]): private files on local disk, or
    a bucket every node shares."""
    return storages["attachments"]


def attachment_path(instance, filename: str) -> str:
    """A generated name: nothing of the sender's file name reaches the disk."""
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class Attachment(models.Model):
    """A file that came with an inbound message. Never served inline: it may be anything."""

    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("message")
    )
    # Empty when the file was refused (see `rejected`): the message is kept all the same.
    file = models.FileField(
        _("file"), upload_to=attachment_path, storage=attachment_storage, blank=True, max_length=200
    )
    filename = models.CharField(
        _("file name"),
        max_length=255,
        help_text=_("The sender's name for it, cleaned; for display only."),
    )
    declared_type = models.CharField(_("declared type"), max_length=100, blank=True)
    content_type = models.CharField(
        _("content type"), max_length=100, help_text=_("What the bytes are, by their signature.")
    )
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    inline = models.BooleanField(_("inline"), default=False)
    content_id = models.CharField(_("content ID"), max_length=255, blank=True)
    rejected = models.CharField(
        _("rejected because"),
        max_length=200,
        blank=True,
        help_text=_("Why the file was not stored, if it was not."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.filename

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.content_type, ".bin")

    @classmethod
    def store(cls, *, message: Message, item) -> str:
        """Save a parsed attachment (and its file, unless refused); return the file's name."""
        attachment = cls(
            message=message,
            filename=item.filename[:255],
            declared_type=item.declared_type[:100],
            content_type=item.content_type[:100],
            size=len(item.data),
            sha256=hashlib.sha256(item.data).hexdigest() if item.data else "",
            inline=item.inline,
            content_id=item.content_id[:255],
            rejected=item.rejected[:200],
        )
        if not item.rejected:
            attachment.file.save("upload", ContentFile(item.data), save=False)
        attachment.save()
        return attachment.file.name or ""

    @staticmethod
    def discard(names: list[str]) -> None:
        """Remove files whose rows were rolled back."""
        storage = attachment_storage()
        for name in names:
            if name:
                storage.delete(name)


# Extensions of stored files, from the sniffed type; anything else is ".bin".
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
    "image/tiff": ".tif",
    "text/plain": ".txt",
    "text/csv": ".csv",
    "message/rfc822": ".eml",
    "application/zip": ".zip",
    "application/gzip": ".gz",
    "audio/mpeg": ".mp3",
    "video/mp4": ".mp4",
}


class QuarantinedEmail(models.Model):
    """An email that could not become a message, kept raw with the reason, for supervisors."""

    raw = models.BinaryField(_("raw mail"))
    truncated = models.BooleanField(
        _("truncated"),
        default=False,
        help_text=_("Only the beginning is kept: the mail was over the limit."),
    )
    size = models.PositiveBigIntegerField(_("size"), help_text=_("Bytes as received."))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, unique=True)
    reason = models.TextField(_("reason"))
    source = models.CharField(_("source"), max_length=40, blank=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    message_id = models.CharField(_("message ID"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("quarantined email")
        verbose_name_plural = _("quarantined emails")
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.sender or 'unknown sender'}: {self.reason}"
