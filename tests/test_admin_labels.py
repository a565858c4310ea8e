"""Supervisors read the admin in German: every column, filter and field the admin shows for
our models has a German label, and so has every field of our models (`verbose_name`).

Django's labels come from a field's `verbose_name` or a display method's description; where
either is missing or not marked for translation, the German admin shows the English name.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, label_for_field
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from cases.models import Case, StaffProfile, State
from tests.factories import case_in

OUR_APPS = {"cases", "customers", "review", "backoffice"}
# Labels that are the same word in German; each is checked to be spelled so in German too.
SAME_IN_GERMAN = {
    "ID",  # the primary key's column (Django's own `verbose_name`, untranslated in German)
    "Name",
    "Status",
    "Text",
    "Version",
}
SHOWN = ("list_display", "list_filter", "readonly_fields", "fields", "search_fields")


def both(make) -> tuple[str, str]:
    """(English, German) of a label made by `make()`."""
    with translation.override("en"):
        english = capfirst(str(make()))
    with translation.override("de"):
        german = capfirst(str(make()))
    return english, german


def names_shown(model_admin) -> set[str]:
    names = set()
    entries = [e for attr in SHOWN for e in getattr(model_admin, attr, None) or ()]
    for _title, options in getattr(model_admin, "fieldsets", None) or ():
        entries += options.get("fields", ())
    for entry in entries:
        if isinstance(entry, list | tuple):  # a row of fields, or (field, filter class)
            names.update(e for e in entry if isinstance(e, str))
        elif isinstance(entry, str):
            names.add(entry.lstrip("=^@"))  # a search field's prefix
    return names - {"__str__", "action_checkbox"}


def labels(model, model_admin):
    """(where, English, German) of every label the admin shows for this model admin."""
    form_class = getattr(model_admin, "form", None)
    form = form_class() if getattr(getattr(form_class, "_meta", None), "model", None) else None
    for name in sorted(names_shown(model_admin)):
        where = f"{model._meta.label} {name}"
        if "__" in name:  # along a relation (a filter's title): the last field's name
            try:
                field = get_fields_from_path(model, name)[-1]
            except (FieldDoesNotExist, NotRelationField):
                continue  # a search lookup such as reference__iexact: no label
            yield (where, *both(lambda field=field: field.verbose_name))
            continue
        if form is not None and name in form.fields:  # the change form's own label
            yield (f"{where} (form)", *both(lambda name=name: form.fields[name].label))
        if form is None or name not in form.fields or name in model_admin.list_display:
            yield (where, *both(lambda name=name: label_for_field(name, model, model_admin)))
    for filter_class in getattr(model_admin, "list_filter", ()) or ():
        if isinstance(filter_class, type):
            where = f"{model._meta.label} {filter_class.__name__}"
            yield (where, *both(lambda f=filter_class: f.title))


def our_admins():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        yield model, model_admin
        for inline in {*model_admin.inlines, *getattr(model_admin, "extra_inlines", ())}:
            yield inline.model, inline(model, admin.site)


def english_in_german(found) -> list[str]:
    return [
        f"{where}: {english}"
        for where, english, german in found
        if english == german and english not in SAME_IN_GERMAN
    ]


def test_every_admin_label_of_our_models_is_german():
    found = [label for model, model_admin in our_admins() for label in labels(model, model_admin)]
    assert len(found) > 150  # every registered admin of ours, with its inlines, was read
    assert english_in_german(found) == []


def test_every_field_and_model_of_ours_has_a_german_name():
    found = []
    for app in OUR_APPS & {config.label for config in apps.get_app_configs()}:
        for model in apps.get_app_config(app).get_models():
            opts = model._meta
            found.append((opts.label, *both(lambda opts=opts: opts.verbose_name)))
            found.append((opts.label, *both(lambda opts=opts: opts.verbose_name_plural)))
            for field in opts.get_fields():
                if field.concrete and not field.auto_created:
                    where = f"{opts.label}.{field.name}"
                    found.append((where, *both(lambda field=field: field.verbose_name)))
    assert english_in_german(found) == []


def test_an_english_label_is_caught():
    """The check reads what Django shows: an attribute without a description is English."""

    class Bare(admin.ModelAdmin):
        list_display = ["pk", "reference"]

    found = list(labels(Case, Bare(Case, admin.site)))
    assert english_in_german(found) == ["cases.Case pk: Pk"]
    plain = models.CharField("colour code")  # a verbose_name not marked for translation
    assert english_in_german([("field", *both(lambda: plain.verbose_name))]) == [
        "field: Colour code"
    ]


@pytest.mark.parametrize("word", sorted(SAME_IN_GERMAN - {"ID"}))
def test_the_words_allowed_in_both_are_the_german_ones(word):
    """An allowed word is one the German catalog itself spells so (not a gap in it)."""
    with translation.override("de"):
        assert translation.gettext(word.lower()) == word


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "german"),
    [
        ("changelist", ["Vorgangsnummer", "Betreff", "Zuständig", "Fällig am", "Erstellt am"]),
        ("change", ["Kanal", "Aktueller Vorschlag", "Vorschlagsversion", "Art des Akteurs"]),
        ("intent", ["Antwortentwurf (Deutsch)", "Antwortentwurf (Englisch)", "Konfidenzschwelle"]),
    ],
)
def test_a_supervisor_reads_the_admin_in_german(client, supervisor, page, german):
    """The pages as rendered: column headers, read-only fields, inlines, the intent's form."""
    StaffProfile.objects.create(user=supervisor, language="de")
    client.force_login(supervisor)
    case = case_in(State.IN_REVIEW)
    url = {
        "changelist": reverse("admin:cases_case_changelist"),
        "change": reverse("admin:cases_case_change", args=[case.pk]),
        "intent": reverse("admin:review_intent_change", args=[case.current_suggestion.intent_id]),
    }[page]
    html = client.get(url).content.decode()
    assert [word for word in german if word not in html] == []
