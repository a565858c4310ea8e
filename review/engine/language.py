"""German/English language guess for customer messages, mixed ones included.

The question asked is "in which language do we answer?", not "which language has more
words?". German customers mix English into their German all the time (product words, an
error message pasted from an app, a forwarded English mail), while English-writing customers
hardly ever write German function words. So:

* what the customer did not write is left out first: quoted lines (``>``), the history after
  a reply or forward header ("Am … schrieb …:", "On … wrote:", "-----Original Message-----",
  "---------- Forwarded message ----------") and text in quotation marks;
* each word votes: frequent function words and support vocabulary, greetings and sign-offs
  twice (they are the customer's own choice of language), lowercase words with umlauts or ß
  (verbs, adverbs: "können", "später") once, capitalised ones half (a name such as "Müller"
  or a street is no sign that its writer speaks German);
* German is the answer once it has at least `GERMAN_SHARE` of the votes (at least
  `MIN_GERMAN` votes, and a German word besides names): a message that greets in German and
  then pastes English is German.
"""

from __future__ import annotations

import re

# Frequent function words plus common support vocabulary. Words that are frequent in both
# languages ("in", "an", "am", "was", "will", "so", "also", "man", "war", "die", "hat" is
# German only) are left out on purpose: they would only add noise to the vote.
_GERMAN_LIST = """
    aber alle als auch auf aus bei beim bin bis bitte bzw da dann das dass dem den denn der
    des dich dir doch dort du durch ein eine einem einen einer eines er es euch euer für
    gibt habe haben hat hatte heute hier ich ihr ihnen ihre ihren im ist ja jetzt kann
    kein keine leider mein meine meinem meinen meiner mich mir mit möchte muss nach nicht
    noch nur ob oder ohne schon sehr sein seit sich sie sind über um und uns unser unsere
    vom von vor warum weil wenn wer wie wieder wir wo würde zu zum zur
    soll sollte wurde wurden worden werden wird konnte könnte kann sind etwas nichts immer
    mehr bereits trotzdem gerne bekommen erhalten geht kommt zeigt funktioniert
    rechnung bestellung lieferung vertrag kündigung kündigen paket geld zurück konto nummer
    rücksendung erstattung bestellnummer kundennummer
"""
_ENGLISH_LIST = """
    a about after all and any are at be because been but by can could did do does dont for
    from get got has have how i if is it its just me my no not now of on or
    our please since still than that the their them then there this to us
    very want we were what when where which who why with would you your yours
    invoice order delivery contract cancel refund package money account number
    received arrived yet already wrong
"""
# The customer's own choice of language: greetings and sign-offs count twice.
_GERMAN_GREETING_LIST = """
    hallo moin servus guten geehrte geehrter geehrtes liebe lieber danke dank vielen grüße
    gruß grüßen freundlichen mfg lg vg
"""
_ENGLISH_GREETING_LIST = """
    hello hi hey dear regards thanks thank cheers sincerely kind best sir madam
"""
_GERMAN_GREETINGS = frozenset(_GERMAN_GREETING_LIST.split())
_ENGLISH_GREETINGS = frozenset(_ENGLISH_GREETING_LIST.split())
_GERMAN_WORDS = frozenset(_GERMAN_LIST.split()) | _GERMAN_GREETINGS
_ENGLISH_WORDS = frozenset(_ENGLISH_LIST.split()) | _ENGLISH_GREETINGS
_WORD_RE = re.compile(r"[^\W\d_]+")
_GERMAN_CHARS_RE = re.compile(r"[äöüß]", re.IGNORECASE)
# Where the history starts: everything from such a line on was not written by the sender.
_HISTORY_RE = re.compile(
    r"^\s*(?:am\s.{3,120}\sschrieb.{0,80}:|on\s.{3,120}\swrote:|-{2,}\s*(?:original|"
    r"ursprüngliche|forwarded|weitergeleitete)[^\n]*|(?:von|from):\s.+\n\s*(?:gesendet|"
    r"sent|datum|date):)",
    re.IGNORECASE | re.MULTILINE,
)
_QUOTED_LINE_RE = re.compile(r"^\s*>.*$", re.MULTILINE)
# Text in quotation marks (a pasted error message, a quoted sentence), up to 400 characters.
_QUOTATION_RE = re.compile(
    r"\"[^\"\n]{1,400}\"|“[^”\n]{1,400}”|„[^“”\n]{1,400}[“”]|«[^»\n]{1,400}»"
)
_SCAN_LIMIT = 5_000
GERMAN_SHARE = 1 / 3
MIN_GERMAN = 2  # below this many votes a mixed message is not called German


def own_words(text: str) -> str:
    """`text` without quoted lines, the quoted history and text in quotation marks; the
    whole text when nothing would be left."""
    sample = text[:_SCAN_LIMIT]
    history = _HISTORY_RE.search(sample)
    if history is not None and history.start() > 0:
        sample = sample[: history.start()]
    sample = _QUOTED_LINE_RE.sub(" ", sample)
    unquoted = _QUOTATION_RE.sub(" ", sample)
    if _WORD_RE.search(unquoted):
        sample = unquoted
    return sample if _WORD_RE.search(sample) else text[:_SCAN_LIMIT]


def language_votes(text: str) -> tuple[float, float, int]:
    """(German votes, English votes, German words other than capitalised umlaut words)."""
    german = english = 0.0
    german_words = 0
    for word in _WORD_RE.findall(own_words(text)):
        lower = word.lower()
        if lower in _GERMAN_WORDS:
            german += 2 if lower in _GERMAN_GREETINGS else 1
            german_words += 1
        elif lower in _ENGLISH_WORDS:
            english += 2 if lower in _ENGLISH_GREETINGS else 1
        elif _GERMAN_CHARS_RE.search(word):
            if word[0].isupper():
                german += 0.5  # a noun, or a name or street: weak evidence
            else:
                german += 1
                german_words += 1
    return german, english, german_words


def detect_language(text: str, default: str = "en") -> str:
    """Return "de" or "en" for `text`, or `default` when there is no signal either way."""
    german, english, german_words = language_votes(text)
    if german == english == 0:
        return default
    if english == 0:
        return "de"
    if german_words and german >= MIN_GERMAN and german >= GERMAN_SHARE * (german + english):
        return "de"
    if english > german:
        return "en"
    return default
