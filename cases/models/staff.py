"""What a staff user chose for themselves."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffProfile(models.Model):
    """What a staff user chose for themselves: the workspace's language, and whether single-key
    shortcuts are on (WCAG 2.1.4: a person who speaks to the computer, or slips on the keyboard,
    turns them off; docs/accessibility.md)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    shortcuts = models.BooleanField(_("single-key shortcuts"), default=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return f"{self.user} ({self.language})"
