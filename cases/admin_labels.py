"""Names for the admin's date and time inputs.

Django's split date/time widget prints "Date:" and "Time:" beside its two inputs, but labels
neither, and the field's own label points at no input: a screen reader hears two unnamed fields
(WCAG 1.3.1, 4.1.2). Each input is named by its field here: "Due at: date", "Due at: time".
"""

from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _


class LabelledDateTimesMixin:
    """A ModelAdmin mixin: every split date/time input of the form has a name."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateTimeField) and field is not None:
            widget = field.widget
            if isinstance(widget, AdminSplitDateTime):
                name = capfirst(db_field.verbose_name)
                widget.widgets[0].attrs["aria-label"] = format_lazy("{}: {}", name, _("date"))
                widget.widgets[1].attrs["aria-label"] = format_lazy("{}: {}", name, _("time"))
        return field
