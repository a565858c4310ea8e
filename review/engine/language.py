"""German/English language guess for short customer messages."""

from __future__ import annotations

import re

# Frequent function words plus common support vocabulary. Words that are frequent in both
# languages ("in", "an", "am", "was", "will", "so", "also", "man", "war", "die") are left
# out on purpose: they would only add noise to the vote.
_GERMAN_LIST = """
    aber alle als auch auf aus bei beim bin bis bitte bzw da dann das dass dem den denn der
    des dich dir doch dort du durch ein eine einem einen einer eines er es euch euer für
    gibt habe haben hallo hat hatte heute hier ich ihr ihnen ihre ihren im ist ja jetzt kann
    kein keine leider mein meine meinem meinen meiner mich mir mit möchte muss nach nicht
    noch nur ob oder ohne schon sehr sein seit sich sie sind über um und uns unser unsere
    vom von vor warum weil wenn wer wie wieder wir wo würde zu zum zur
    danke grüße gruß freundlichen geehrte geehrter herr frau rechnung bestellung lieferung
    vertrag kündigung kündigen paket geld zurück konto nummer
"""
_ENGLISH_LIST = """
    a about after all and any are at be because been but by can could did do does dont for
    from get got has have hello hi how i if is it its just me my no not now of on or
    our please since still than thank thanks that the their them then there this to us
    very want we were what when where which who why with would you your yours
    regards dear sir madam invoice order delivery contract cancel refund package money
    account number
"""
_GERMAN_WORDS = frozenset(_GERMAN_LIST.split())
_ENGLISH_WORDS = frozenset(_ENGLISH_LIST.split())
_WORD_RE = re.compile(r"[^\W\d_]+")
# Umlauts and ß are a strong German signal even in a single word ("kündigen").
_GERMAN_CHARS_RE = re.compile(r"[äöüß]", re.IGNORECASE)
_SCAN_LIMIT = 5_000


def detect_language(text: str, default: str = "en") -> str:
    """Return "de" or "en" for `text`, or `default` when there is no signal either way."""
    sample = text[:_SCAN_LIMIT].lower()
    words = _WORD_RE.findall(sample)
    german = sum(word in _GERMAN_WORDS for word in words)
    english = sum(word in _ENGLISH_WORDS for word in words)
    # Count each word with umlauts once, so one long word does not outvote a sentence.
    german += sum(1 for word in words if _GERMAN_CHARS_RE.search(word))
    if german > english:
        return "de"
    if english > german:
        return "en"
    return default
