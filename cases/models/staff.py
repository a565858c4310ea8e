"""What a staff user chose for themselves."""

from django.conf import settings
from django.db import models


class StaffProfile(models.Model):
    """What a staff user chose for themselves: the workspace's language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")

    def __str__(self):
        return f"{self.user} ({self.language})"
