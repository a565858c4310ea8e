"""The German catalog: complete, compiled, and actually used by the workspace."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file as makemessages writes it (one blank line between entries).

    Each: msgid, msgstr (a list: one per plural form), flags, and msgctxt/msgid_plural if any.
    Obsolete (#~) entries are left out.
    """
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set()}
        field = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[field] += ast.literal_eval(line)
            else:
                field, _, text = line.partition(" ")
                entry[field] = ast.literal_eval(text)
        if "msgid" in entry:
            entry["msgstr"] = [entry.pop(k) for k in sorted(entry) if k.startswith("msgstr")]
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    assert PO.exists(), "run makemessages -l de (see locale/)"
    found = [e for e in parse_po(PO) if e["msgid"]]  # the empty msgid is the header
    assert len(found) > 100
    return found


def test_every_msgid_has_a_german_translation(entries):
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    plurals = [e for e in entries if "msgid_plural" in e]
    assert plurals and all(len(e["msgstr"]) == 2 for e in plurals)


def test_placeholders_survive_translation(entries):
    placeholder = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdif]|\{\{.*?\}\}")
    for e in entries:
        expected = sorted(placeholder.findall(e["msgid"]))
        for msgstr in e["msgstr"]:
            assert sorted(placeholder.findall(msgstr)) == expected, e["msgid"]


def test_compiled_catalog_is_up_to_date(entries):
    """The committed .mo holds every translation of the .po, as written there."""
    with MO.open("rb") as fp:
        catalog = gettext.GNUTranslations(fp)
    assert catalog.info().get("language") == "de"
    stale = []
    for e in entries:
        context, msgid = e.get("msgctxt"), e["msgid"]
        if "msgid_plural" in e:
            for n, expected in ((1, e["msgstr"][0]), (2, e["msgstr"][1])):
                if context is None:
                    got = catalog.ngettext(msgid, e["msgid_plural"], n)
                else:
                    got = catalog.npgettext(context, msgid, e["msgid_plural"], n)
                if got != expected:
                    stale.append(msgid)
        else:
            got = catalog.gettext(msgid) if context is None else catalog.pgettext(context, msgid)
            if got != e["msgstr"][0]:
                stale.append(msgid)
    assert not stale, f"recompile (manage.py compilemessages): {stale}"


def test_key_strings_in_german():
    from cases.models import ActorKind, Priority, State
    from review.reasons import explain

    with translation.override("de"):
        assert str(State.IN_REVIEW.label) == "In Prüfung"
        assert str(State.AWAITING_CUSTOMER.label) == "Wartet auf Kunde"
        assert str(Priority.URGENT.label) == "Dringend"
        assert str(ActorKind.AI.label) == "KI"
        assert "Zuständigkeitsbereich" in explain("out_of_scope")
        assert explain("missing_slot:order_number") == "Bestellnummer fehlt"
        assert explain("missing_slot:details") == "Beschreibung der Änderung fehlt"
        assert explain("risk_class:legal") == "rechtliches Risiko: ein Mensch muss entscheiden"
        assert translation.ngettext("%(counter)s case", "%(counter)s cases", 3) == (
            "%(counter)s Fälle"
        )
    with translation.override("en"):
        assert str(State.IN_REVIEW.label) == "In review"
        assert explain("missing_slot:details") == "the description of the change is missing"


@pytest.mark.django_db
def test_workspace_speaks_the_agents_language(client, agent):
    from cases.models import StaffProfile

    StaffProfile.objects.create(user=agent, language="de")
    client.force_login(agent)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="de"' in html
    assert "Warteschlange" in html
    assert "Warum ein Mensch entscheiden muss" in html
    assert "Abmelden" in html
