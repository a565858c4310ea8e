"""The demo's data files load, have the shape `seed_demo` relies on, and ship with the package."""

import json
import re
import string
import tomllib
from decimal import Decimal
from pathlib import Path

from cases.models import ActionKind
from review.demo import FIXTURES, demo_intents, demo_messages
from review.models import Intent

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = {"en", "de"}
INTENT_KEYS = {
    "slug",
    "name",
    "action",
    "mode",
    "threshold",
    "risk_class",
    "amount_limit",
    "required_slots",
    "qa_sample_rate",
    "four_eyes",
    "reply_templates",
    "examples",
}
MESSAGE_KEYS = {"from_email", "from_name", "subject", "body", "language"}


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_every_intent_has_what_seed_demo_reads_and_valid_policy():
    intents = demo_intents()
    slugs = [spec["slug"] for spec in intents]
    assert len(slugs) == len(set(slugs)) == 10
    assert "out_of_scope" in slugs  # seed_demo marks this one as the catch-all
    for spec in intents:
        slug = spec["slug"]
        assert set(spec) == INTENT_KEYS, slug
        assert re.fullmatch(r"[a-z][a-z_]*", slug)
        assert set(spec["name"]) == LANGUAGES and all(spec["name"].values()), slug
        assert spec["action"] in ActionKind.values, slug
        assert spec["mode"] in Intent.Mode.values, slug
        assert spec["risk_class"] in Intent.RiskClass.values, slug
        for rate in ("threshold", "qa_sample_rate"):
            assert isinstance(spec[rate], float) and 0.0 <= spec[rate] <= 1.0, (slug, rate)
        limit = spec["amount_limit"]
        # A decimal string (exact, for the DecimalField), never a float.
        assert limit is None or (isinstance(limit, str) and Decimal(limit) > 0), slug
        assert isinstance(spec["four_eyes"], bool), slug
        assert all(isinstance(name, str) for name in spec["required_slots"]), slug
        assert set(spec["reply_templates"]) == LANGUAGES, slug
        allowed = {"customer_name", "reference", *spec["required_slots"]}
        for language, template in spec["reply_templates"].items():
            assert template.strip(), (slug, language)
            assert placeholders(template) <= allowed, (slug, language)
        assert set(spec["examples"]) == LANGUAGES, slug
        for language, texts in spec["examples"].items():
            assert len(texts) >= 30, (slug, language)  # tests/test_demo.py counts these
            assert all(isinstance(text, str) and text.strip() for text in texts), (slug, language)


def test_examples_are_unique_and_the_demo_messages_are_not_among_them():
    examples = [
        text for spec in demo_intents() for texts in spec["examples"].values() for text in texts
    ]
    assert len(examples) == len(set(examples)) == 706
    # The messages carry no intent: the model classifies them, so none may be a training example.
    assert not {message["body"] for message in demo_messages()} & set(examples)


def test_every_demo_message_is_a_complete_email_to_a_reserved_domain():
    messages = demo_messages()
    assert len(messages) == 47
    for message in messages:
        assert set(message) == MESSAGE_KEYS, message
        assert all(isinstance(value, str) for value in message.values()), message
        assert message["language"] in LANGUAGES, message
        assert message["body"].strip() and message["from_name"].strip(), message
        assert re.fullmatch(r"[a-z.]+@example\.(com|org|net)", message["from_email"]), message
    # One sender per message: each demo customer starts with one case.
    assert len({message["from_email"] for message in messages}) == len(messages)


def test_loader_returns_fresh_copies():
    intents = demo_intents()
    intents[0]["examples"]["en"].clear()
    demo_messages().clear()
    assert demo_intents()[0]["examples"]["en"]
    assert len(demo_messages()) == 47


def test_files_are_readable_utf8_json_and_the_package_ships_them():
    for name in ("intents.json", "messages.json"):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n", name
    assert "Grüße" in (FIXTURES / "intents.json").read_text(encoding="utf-8")  # not \u00fc
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["*"]
    shipped = {path for pattern in package_data for path in (ROOT / "review").glob(pattern)}
    assert {
        ROOT / "review/fixtures/demo/intents.json",
        ROOT / "review/fixtures/demo/messages.json",
    } <= shipped
