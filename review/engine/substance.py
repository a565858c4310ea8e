"""Evidence before automation: does a message carry enough to act on it alone?

A model can be sure of itself on almost nothing: "Rechnung?" alone, or one sentence pasted
400 times, may come out at 1.00 for some intent. Confidence measures how alike the message is
to the training examples, not whether it says enough to act on, so this check does not look at
the confidence at all. It reads the text and says when there is too little of it to go on: the
routing policy (`review.policy.route`) then sends the case to a person, whatever the model says.

No Django imports; the thresholds are constants on purpose (a supervisor's policy cannot lower
them: acting on "Rechnung?" alone is never right).
"""

from __future__ import annotations

import re

TOO_SHORT = "message_too_short"
REPETITIVE = "message_repetitive"

# Fewer distinct words than this (subject and body together) cannot name an intent and what
# it is about: "Rechnung?", "Invoice please", "Hallo??".
MIN_DISTINCT_WORDS = 3
# Repetition is measured on runs of this many words (shingles): in ordinary prose almost every
# run of four words is new, in a pasted-over message almost none is.
SHINGLE = 4
# At least this many words before repetition is judged: short messages repeat by chance.
MIN_WORDS_FOR_REPETITION = 16
# More than this share of repeated runs is a message that repeats itself.
MAX_REPEATED_SHARE = 0.5
_SCAN_LIMIT = 20_000
_WORD = re.compile(r"\w+(?:['\u2019.-]\w+)*")
# What a reply's subject adds without saying anything: "Re:", "AW: WG:", and our own case
# reference "[#K7Q2M9XD]" (cases.outbound): "Re: Ihr Fall [#K7Q2M9XD]" + "Rechnung?" is thin.
_NOISE = re.compile(r"\[#\w{1,20}\]|\b(?:re|aw|fw|fwd|wg|sv|antw)\s{0,2}:", re.IGNORECASE)


def words(text: str) -> list[str]:
    """The message's words, case-folded, in order (numbers such as 4711-2231 are one word),
    without reply prefixes and our case reference."""
    return [w.casefold() for w in _WORD.findall(_NOISE.sub(" ", text[:_SCAN_LIMIT]))]


def repeated_share(tokens: list[str], size: int = SHINGLE) -> float:
    """The share of word runs of `size` that appeared earlier in the message (0 to 1)."""
    runs = [tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
    if not runs:
        return 0.0
    return 1 - len(set(runs)) / len(runs)


def insufficient(text: str) -> str | None:
    """The reason code when `text` is too thin to automate on, else None.

    `message_too_short`: fewer than `MIN_DISTINCT_WORDS` distinct words. `message_repetitive`:
    more than `MAX_REPEATED_SHARE` of its four-word runs are repeats (one sentence pasted over
    and over: its length says nothing about what it carries).
    """
    if not isinstance(text, str):
        return TOO_SHORT
    tokens = words(text)
    if len(set(tokens)) < MIN_DISTINCT_WORDS:
        return TOO_SHORT
    if len(tokens) >= MIN_WORDS_FOR_REPETITION and repeated_share(tokens) > MAX_REPEATED_SHARE:
        return REPETITIVE
    return None
