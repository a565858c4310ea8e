"""Dates in a message: what the customer named, read against the day the message came in.

Three steps, each kept where it is best done:

* **Finding** the words that name a date is done by bounded patterns (linear in the input,
  German and English): dateparser's own search also takes "die", "now", "may" and prices such
  as "12,50" for dates, and a false date here becomes an option offered to a customer.
* **Reading** a calendar date or a relative one ("12. März", "Dec 24th", "12.3.26",
  "übermorgen", "in zwei Wochen") is dateparser's (multilingual, well kept), always relative
  to the message's received date, never to the day the code runs.
* **Resolving** what only the sentence can say is ours: a day and month without a year, a
  bare weekday or "the 3rd" is in the past when the clause speaks of the past ("sent back on
  2 October", "am Montag zurückgeschickt"), else the next one to come (a day and month that
  fell in the last `RECENT_DAYS` is that recent one: "from 1 November" written on 6 December
  is last month, not next year). A weekday or date the customer cannot do ("not home on
  Friday", "booked for next Tuesday") is kept apart from the ones they ask for.

No Django imports.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import dateparser

RECENT_DAYS = 42
# How far ahead an undated "29.02." may look for the next leap year.
_YEAR_SEARCH = 8
_MAX_MENTIONS = 40
_LANGUAGES = ["de", "en"]
# A leap year: a day and month without a year are read in it, then placed by `_place`.
_NO_YEAR = datetime.datetime(2000, 1, 1)

_MONTHS = (
    "january|jan|januar|jänner|february|feb|februar|march|mar|märz|maerz|mrz|april|apr|may|mai"
    "|june|jun|juni|july|jul|juli|august|aug|september|sept|sep|october|oct|oktober|okt"
    "|november|nov|december|dec|dezember|dez"
)
_MONTH_ALT = "|".join(sorted(_MONTHS.split("|"), key=len, reverse=True))
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_INDEX = {
    "monday": 0, "montag": 0,
    "tuesday": 1, "dienstag": 1,
    "wednesday": 2, "mittwoch": 2,
    "thursday": 3, "donnerstag": 3,
    "friday": 4, "freitag": 4,
    "saturday": 5, "samstag": 5, "sonnabend": 5,
    "sunday": 6, "sonntag": 6,
}  # fmt: skip
_WEEKDAY_ALT = "|".join(sorted(_WEEKDAY_INDEX, key=len, reverse=True))
_YEAR = r"(?:19|20)\d{2}"

_DATE_RE = re.compile(
    "|".join(
        [
            # 2026-03-12
            rf"(?<![\w.-])(?P<iso>{_YEAR}-\d{{1,2}}-\d{{1,2}})(?![\w-])",
            # 12.03.2026, 12/03/2026, 12.3.26 (day first, European)
            r"(?<![\w.,/])(?P<num>\d{1,2}(?P<sep>[./])\d{1,2}(?P=sep)(?:\d{4}|\d{2}))"
            r"(?![\w/]|[.,]\d)",
            # 12.3. (no year)
            r"(?<![\w.,/])(?P<short>\d{1,2}\.\d{1,2}\.)(?![\w.]|,\d)",
            # 12 March 2026, 12. März, 1st of May, 3. Mai 2026
            rf"(?<![\w.,])(?P<dm>\d{{1,2}}(?:\.|st|nd|rd|th)?\s{{0,3}}(?:of\s{{1,3}})?"
            rf"(?:{_MONTH_ALT})\b\.?(?:,?\s{{0,3}}{_YEAR}(?!\d))?)",
            # March 12, March 12th 2026
            rf"\b(?P<md>(?:{_MONTH_ALT})\b\.?\s{{1,3}}\d{{1,2}}(?:st|nd|rd|th)?"
            rf"(?![\w.,:]?\d)(?:,?\s{{1,3}}{_YEAR}(?!\d))?)",
            # Relative dates; "Guten Morgen", "heute Morgen" etc. mean "morning", not "tomorrow".
            r"\b(?P<rel>(?:the\s{1,3})?day\s{1,3}after\s{1,3}tomorrow|tomorrow|übermorgen"
            r"|(?<!guten\s)(?<!heute\s)(?<!am\s)(?<!jeden\s)(?<!diesen\s)morgen"
            r"|in\s{1,3}(?:\d{1,2}|one|two|three|four|a|einer|einem|zwei|drei|vier)\s{1,3}"
            r"(?:days?|weeks?|tagen|wochen?))\b",
            # next Monday, nächsten Montag, last Friday, letzten Freitag
            rf"\b(?P<step>next|coming|nächste[nrs]?|kommende[nrs]?|last|letzte[nrs]?)"
            rf"\s{{1,3}}(?P<step_wd>{_WEEKDAY_ALT})\b",
            # the 3rd, on the 3rd, am 3., zum 3. (a day of a month not named)
            r"\b(?:the|am|zum|den|dem)\s{1,3}(?P<ord>\d{1,2})(?:st|nd|rd|th|\.)(?!\d|\.\d|\s{0,3}"
            rf"(?:of\s{{1,3}})?(?:{_MONTH_ALT})\b)",
            # Thursday, Thursdays, donnerstags
            rf"\b(?P<wd>{_WEEKDAY_ALT})s?\b",
        ]
    ),
    re.IGNORECASE,
)

# Clause boundaries: the context of a date is its own clause, not the whole message.
_BOUNDARY = re.compile(r"[.!?;:\n,(]|\s(?:but|aber|so|also)\s", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?\n]\s")
_PAST = re.compile(
    r"\b(?:sent|returned|ordered|bought|purchased|paid|received|arrived|came|since|ago"
    r"|zurückgeschickt|zurückgesendet|zurückgesandt|retourniert|zurückgegeben|bestellt"
    r"|gekauft|bezahlt|erhalten|bekommen|angekommen|eingegangen|seit|vom)\b",
    re.IGNORECASE,
)
# German (and English) put a participle after a modal for the future too ("Kann ich die Ware am
# Freitag erhalten?"): a clause with one of these is not about the past.
_NOT_PAST = re.compile(
    r"\b(?:will|could|can|would|please|shall|werden|wird|kann|können|könnten|möchte|soll"
    r"|sollte|bitte)\b|['\u2019]ll\b",
    re.IGNORECASE,
)
_RETURN = re.compile(
    r"\b(?:sent\s{1,3}(?:[\w-]{1,20}\s{1,3}){0,6}?back|returned|zurückgeschickt|zurückgesendet"
    r"|zurückgesandt|retourniert|zurückgegeben|rücksendung|retoure)\b",
    re.IGNORECASE,
)
# Before the date in its clause: the customer cannot do it, or it is the date to be changed.
_AVOID = re.compile(
    r"(?:\b(?:not|never|cannot|unable|nobody|away|booked|scheduled|due|planned|nicht|keine?\w*"
    r"|niemand|geplant|vorgesehen|terminiert|statt|anstatt|instead\s{1,3}of)\b|n['\u2019]t\b)",
    re.IGNORECASE,
)

# "die Lieferung vom 17.10. auf die Woche danach verschieben", "move it from 3 May to ...":
# the date after "vom"/"from" in a clause that moves something is the one to change.
_FROM_BEFORE = re.compile(r"\b(?:vom|from)\s{1,3}$", re.IGNORECASE)
_MOVE = re.compile(
    r"\b(?:verschieb\w*|verleg\w*|postpone\w*|reschedul\w*|push\s{1,3}(?:it\s{1,3})?back"
    r"|bring\s{1,3}(?:it\s{1,3})?forward|move\s{1,3}(?:it|the\s{1,3}delivery|my\s{1,3}delivery))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Dates:
    """What a message says about dates, resolved against its received date."""

    dates: list[str]  # ISO dates named, in order (past ones too), not those to avoid
    weekdays: list[str]  # weekdays asked for without a date ("Thursday or Friday")
    avoid: list[str]  # ISO dates the customer cannot do or wants changed
    past: list[str]  # ISO dates of what happened ("ordered on", "vom 3. Mai", "sent back on")
    return_date: str | None  # when something was sent back ("Sent back on 2 October")

    def as_slots(self) -> dict:
        slots: dict = {}
        if self.dates:
            slots["dates"] = self.dates
        if self.weekdays:
            slots["weekdays"] = self.weekdays
        if self.avoid:
            slots["avoid_dates"] = self.avoid
        if self.past:
            slots["past_dates"] = self.past
        if self.return_date:
            slots["return_date"] = self.return_date
        return slots


def find_dates(text: str, received: datetime.date) -> Dates:
    """Return the dates in `text` as of `received`, the day the message came in."""
    dates: list[str] = []
    weekdays: list[str] = []
    avoid: list[str] = []
    happened: list[str] = []
    return_date = None
    # The last date with a month, and where it ended: "on 2 October ... on the 5th" is the
    # 5th after it, in the same sentence.
    anchor: tuple[datetime.date, int] | None = None
    for count, match in enumerate(_DATE_RE.finditer(text)):
        if count >= _MAX_MENTIONS:
            break
        clause_start, clause_end = _clause(text, match.start(), match.end())
        clause = text[clause_start:clause_end]
        past = bool(_PAST.search(clause)) and not _NOT_PAST.search(clause)
        avoided = bool(_AVOID.search(text[clause_start : match.start()])) or bool(
            _FROM_BEFORE.search(text[max(0, match.start() - 8) : match.start()])
            and _MOVE.search(clause)
        )
        if match.group("wd") and not past:
            name = WEEKDAYS[_WEEKDAY_INDEX[match.group("wd").lower()]]
            if avoided:
                avoid.append(_weekday(name, received, past=False).isoformat())
            elif name not in weekdays:
                weekdays.append(name)
            continue
        after = None
        if anchor and not _SENTENCE_END.search(text, anchor[1], match.start()):
            after = anchor[0]
        day = _read(match, received, past=past, after=after)
        if day is None:
            continue
        if not (match.group("wd") or match.group("step") or match.group("rel")):
            anchor = (day, match.end())
        iso = day.isoformat()
        if avoided:
            avoid.append(iso)
            continue
        if iso not in dates:
            dates.append(iso)
        if past and day <= received and iso not in happened:
            happened.append(iso)
        if return_date is None and day <= received and _RETURN.search(clause):
            return_date = iso
    # A day the customer cannot do stays out, even where it is also named ("Delivery next
    # Tuesday" in the subject, "booked for next Tuesday, but I travel" in the body).
    avoid = list(dict.fromkeys(avoid))
    dates = [d for d in dates if d not in avoid]
    return Dates(dates, weekdays, avoid, happened, return_date)


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the clause around text[start:end] (at most 120 characters either side)."""
    before_from = max(0, start - 120)
    boundaries = [m.end() for m in _BOUNDARY.finditer(text, before_from, start)]
    after = _BOUNDARY.search(text, end, min(len(text), end + 120))
    return (boundaries[-1] if boundaries else before_from), (
        after.start() if after else min(len(text), end + 120)
    )


def _parse(span: str, base: datetime.datetime) -> datetime.date | None:
    parsed = dateparser.parse(
        " ".join(span.split()),
        languages=_LANGUAGES,
        settings={
            "RELATIVE_BASE": base,
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "current_period",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    return parsed.date() if parsed else None


def _read(
    match: re.Match[str],
    received: datetime.date,
    *,
    past: bool,
    after: datetime.date | None = None,
) -> datetime.date | None:
    """One date mention as a date (None when it is no real calendar date).

    Numeric dates are read here, day first: dateparser reads "12.08." as a time of day.
    """
    base = datetime.datetime.combine(received, datetime.time(12))
    if match.group("iso"):
        year, month, day = (int(part) for part in match.group("iso").split("-"))
        return _date(year, month, day)
    if match.group("num"):
        day, month, year = (int(p) for p in re.split(r"[./]", match.group("num")))
        return _date(year + 2000 if year < 100 else year, month, day)
    if match.group("short"):
        day, month = (int(p) for p in match.group("short").split(".")[:2])
        return _place(month, day, received, past) if _date(2000, month, day) else None
    if match.group("dm") or match.group("md"):
        span = match.group(0)
        if re.search(rf"\b{_YEAR}\b", span):
            return _parse(span, base)
        undated = _parse(span, _NO_YEAR)
        return None if undated is None else _place(undated.month, undated.day, received, past)
    if match.group("rel"):
        return _parse(match.group("rel"), base)
    if match.group("step"):
        name = WEEKDAYS[_WEEKDAY_INDEX[match.group("step_wd").lower()]]
        backwards = match.group("step").lower().startswith(("last", "letzte"))
        return _weekday(name, received, past=backwards, strictly=True)
    if match.group("ord"):
        if after is not None:
            return _month_day(int(match.group("ord")), after, past=False)
        return _month_day(int(match.group("ord")), received, past)
    if match.group("wd"):
        return _weekday(WEEKDAYS[_WEEKDAY_INDEX[match.group("wd").lower()]], received, past=past)
    return None


def _place(month: int, day: int, received: datetime.date, past: bool) -> datetime.date | None:
    """The year of a day and month: the last one for the past, else the next one to come
    (unless it fell within the last `RECENT_DAYS`); 29.02. waits for a leap year."""
    years = range(received.year + 1, received.year - _YEAR_SEARCH - 1, -1)
    if past:
        return next((d for y in years if (d := _date(y, month, day)) and d <= received), None)
    this_year = _date(received.year, month, day)
    if this_year and received - datetime.timedelta(days=RECENT_DAYS) <= this_year:
        return this_year
    ahead = range(received.year, received.year + _YEAR_SEARCH + 1)
    return next((d for y in ahead if (d := _date(y, month, day)) and d >= received), None)


def _month_day(day: int, received: datetime.date, past: bool) -> datetime.date | None:
    """Day `day` of this month, else of the next month that has it ("the 3rd"); for the
    past, of this month or the last one before."""
    step = -1 if past else 1
    year, month = received.year, received.month
    for _ in range(13):
        candidate = _date(year, month, day)
        if candidate and (candidate <= received if past else candidate >= received):
            return candidate
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return None


def _weekday(
    name: str, received: datetime.date, *, past: bool, strictly: bool = False
) -> datetime.date:
    """The coming weekday (never the received day itself), or the last one for the past."""
    index = WEEKDAYS.index(name)
    if past:
        back = (received.weekday() - index) % 7
        return received - datetime.timedelta(days=back or (7 if strictly else 0))
    return received + datetime.timedelta(days=(index - received.weekday() - 1) % 7 + 1)


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None
