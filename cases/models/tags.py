"""Tags that agents put on cases and filter the queue by; supervisors keep the list (admin)."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case


class TagQuerySet(models.QuerySet):
    def named(self, name: str):
        """The tag of this name, whatever its case ("Billing" is "billing")."""
        return self.filter(name__iexact=name.strip())


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=40)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        help_text=_("A CSS colour such as #2a6fdb; empty for the default."),
        # Printed into a style attribute: only a hex colour, nothing else.
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour such as #2a6fdb."))],
    )
    cases = models.ManyToManyField(Case, related_name="tags", blank=True, verbose_name=_("cases"))

    objects = TagQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = [Lower("name")]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_unique_ci")]

    def __str__(self):
        return self.name
