"""The demo's data, read from JSON files in ``review/fixtures/demo/``; written for this project.

No Django imports (``bench/engine.py`` uses this without Django).

* ``intents.json``: a list of intents. Each has its ``slug``, a ``name`` per language
  (``{"en": …, "de": …}``), the ``action`` it proposes, its automation policy (``mode``,
  ``threshold``, ``risk_class``, ``amount_limit``, ``required_slots``, ``qa_sample_rate``,
  ``four_eyes``), a draft reply per language in ``reply_templates`` (placeholders:
  ``{customer_name}``, ``{reference}`` and the intent's required slots) and hand-written
  training ``examples`` per language. ``amount_limit`` is ``null`` or a decimal string such as
  ``"50.00"`` (exact, for the model's ``DecimalField``; never a float).
* ``messages.json``: incoming messages (``from_email``, ``from_name``, ``subject``, ``body``,
  ``language``) that ``seed_demo`` feeds through the real pipeline. They carry no intent: the
  model classifies them, and none of them is a training example.

Each file is parsed once per process; every call returns a fresh copy, so a caller may change
what it gets without touching what the next caller sees.
"""

import copy
import json
from functools import cache
from importlib.resources import files

FIXTURES = files("review") / "fixtures" / "demo"


@cache
def _load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def demo_intents() -> list[dict]:
    """The demo intents with their policy, reply templates and training examples."""
    return copy.deepcopy(_load("intents.json"))


def demo_messages() -> list[dict]:
    """The demo's incoming messages, in the order ``seed_demo`` receives them."""
    return copy.deepcopy(_load("messages.json"))
