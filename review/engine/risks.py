"""Risk flags (legal, data protection, cancellation, complaint, urgency) for triage.

Two readers, and a flag from either counts: the patterns below catch the clear signals
("lawyer", "Klage", "GDPR"), and a model learnt from labelled examples
(`review.engine.risk_model`) catches polite and indirect phrasings ("I will have no choice
but to seek legal advice"). A flag only asks an agent to look twice (and a legal one sends
the case to a person); it never acts on its own.
"""

from __future__ import annotations

import re

from review.engine.risk_model import default_model

_SCAN_LIMIT = 20_000
# Optional determiner/adjective between a verb and its object ("cancel my mobile contract").
_MY = r"(?:my|the|our|this)\s{1,3}(?:[\w-]{1,30}\s{1,3})?"

_PATTERNS: dict[str, list[str]] = {
    "legal": [
        r"lawyers?",
        r"attorneys?",
        r"solicitors?",
        # "court-side seats", "courtesy" and "courtyard" are not threats.
        r"courts?(?!-)",
        r"su(?:e|ed|ing)",
        r"lawsuits?",
        r"legal\s{1,3}(?:action|steps|proceedings)",
        r"small\s{1,3}claims",
        r"(?:rechts)?anw[aä]lt\w*",
        r"klage[n]?",
        r"(?:einge)?klagt",
        r"verklag\w*",
        # Gericht, Gerichts..., gerichtlich, Amtsgericht, but not "gerichtet" (= addressed).
        r"\w{0,20}gericht(?:e|es|en|s\w*|lich\w*)?",
        r"abmahn\w*",
        r"verbraucherzentrale\w*",
        r"schlichtung\w*",
        r"rechtliche\w*\s{1,3}schritte",
    ],
    "data_protection": [
        r"gdpr",
        r"dsgvo",
        r"data\s{1,3}protection",
        r"datenschutz\w*",
        r"art(?:icle|ikel|\.)?\s{0,3}15",
        r"auskunft\s{1,3}über\s{1,3}(?:meine|die)\s{1,3}(?:\w{1,30}\s{1,3}){0,2}?daten",
        r"(?:delete|erase|remove)\s{1,3}(?:all\s{1,3})?(?:of\s{1,3})?my\s{1,3}"
        r"(?:personal\s{1,3})?(?:data|information)",
        r"löschung\s{1,3}(?:aller\s{1,3})?meiner\s{1,3}(?:personenbezogenen\s{1,3})?daten",
        r"meine\s{1,3}(?:personenbezogenen\s{1,3})?daten\s{1,3}(?:zu\s{1,3})?löschen",
        r"right\s{1,3}to\s{1,3}(?:be\s{1,3}forgotten|erasure)",
        r"recht\s{1,3}auf\s{1,3}(?:vergessenwerden|löschung)",
        r"personal\s{1,3}data",
        r"personenbezogene\w*\s{1,3}daten",
    ],
    "cancel_threat": [
        # Cancelling an order is routine; cancelling the relationship is the risk.
        rf"(?:cancel|terminate)\w*\s{{1,3}}{_MY}"
        r"(?:contract|subscription|account|membership|plan|service|agreement)s?",
        r"i['\u2019]?(?:ll|\s{1,3}will|\s{1,3}am\s{1,3}going\s{1,3}to|m\s{1,3}going\s{1,3}to)"
        r"\s{1,3}(?:cancel|terminate)(?!\s{1,3}(?:my|the|this)\s{1,3}order)",
        r"i['\u2019]?m\s{1,3}leaving|i\s{1,3}am\s{1,3}leaving",
        r"switch\w*\s{1,3}(?:to\s{1,3}(?:a|another)\s{1,3})?providers?",
        r"(?:another|a\s{1,3}different|a\s{1,3}new)\s{1,3}provider",
        # kündigen, kündige, kündigt, gekündigt, Kündigung(en), kuendigen.
        r"(?:ge)?k(?:ü|ue)ndig\w*",
        r"anbieter\s{1,3}(?:zu\s{1,3})?wechseln|anbieterwechsel\w*",
        r"zur\s{1,3}konkurrenz",
    ],
    "complaint": [
        r"complain\w*",
        r"unacceptable",
        r"outrageous\w*",
        r"disgrace\w*",
        r"beschwer(?:de|den|e|en|t|te|ten)",
        r"frechheit\w*",
        r"unversch(?:ä|ae)mt\w*",
        r"inakzeptabel\w*",
        r"unzumutbar\w*",
    ],
    "urgent": [
        # "not urgent" / "nicht dringend" are the opposite signal.
        r"(?<!not\s)(?<!n't\s)(?<!n\u2019t\s)(?:urgent(?:ly)?|urgency)",
        r"asap",
        r"a\.s\.a\.p",
        r"as\s{1,3}soon\s{1,3}as\s{1,3}possible",
        r"immediately",
        r"(?<!nicht\s)dringend\w*",
        # "sofortig", but not the "Sofortüberweisung" payment method.
        r"sofort(?:ig\w*)?",
        r"umgehend\w*",
    ],
}
_RISK_RES = {
    flag: re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)
    for flag, patterns in _PATTERNS.items()
}


def detect_risks(text: str) -> list[str]:
    """Return the sorted, distinct risk flags found in `text` by the rules or the model."""
    if not isinstance(text, str):
        return []
    return sorted({*rule_risks(text), *default_model().detect(text[:_SCAN_LIMIT])})


def rule_risks(text: str) -> list[str]:
    """The flags the patterns alone find (the model's figures are judged beside these)."""
    if not isinstance(text, str):
        return []
    sample = text[:_SCAN_LIMIT]
    return sorted(flag for flag, pattern in _RISK_RES.items() if pattern.search(sample))
