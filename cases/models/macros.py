"""Canned replies (macros): texts supervisors keep in the admin, per language, that an agent
puts into the reply with one click, their blanks filled from the case."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.blanks import fill, greeting_for


class MacroQuerySet(models.QuerySet):
    def for_case(self, case):
        """The active macros in the case's language, and those for every language."""
        language = case.language or case.customer.language or "en"
        return self.filter(active=True, language__in=[language, ""]).order_by("name", "pk")


class Macro(models.Model):
    class Language(models.TextChoices):
        ANY = "", _("Every language")
        ENGLISH = "en", _("English")
        GERMAN = "de", _("German")

    name = models.CharField(_("name"), max_length=80)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, blank=True)
    text = models.TextField(
        _("text"),
        max_length=20_000,
        help_text=_(
            "Blanks are filled from the case: {customer_name}, {reference}, {agent_name}, and "
            "what the AI found ({order_number}, {contract_number}, …). A blank left unfilled "
            "must be filled by the agent: nothing with a blank is sent."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MacroQuerySet.as_manager()

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        constraints = [
            models.UniqueConstraint(fields=["name", "language"], name="unique_macro_per_language")
        ]

    def __str__(self):
        return f"{self.name} ({self.language})" if self.language else self.name

    def text_for(self, case, agent) -> str:
        """The text with the case's values; unknown blanks stay for the agent to fill."""
        slots = getattr(case.current_suggestion, "slots", None) or {}
        values = {k: v for k, v in slots.items() if isinstance(v, str)}
        values |= {
            "customer_name": case.customer.name,
            "reference": case.reference,
            "agent_name": agent.get_full_name() or agent.get_username(),
        }
        return fill(greeting_for(self.text, case.customer), values)
