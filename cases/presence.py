"""Who has a case open, and who is typing on it: heartbeats kept a short while in the cache.

The case page posts a heartbeat every 10 s (and one with `typing` while someone types, at
most every 3 s); each is a line in the case's cache entry: user id → name, last seen, last
typed. Nothing is written to the database. With the default local-memory cache the entries
live in each server process (fine for one process, as in the demo); configure a shared cache
(Redis) for several processes (docs/live.md). Two heartbeats at the same moment may drop one
of the two lines until the next beat, 10 s later: acceptable for a hint.
"""

import time

from django.core.cache import cache

SEEN_SECONDS = 30  # three missed heartbeats and the person is gone
TYPING_SECONDS = 8
PREFIX = "presence:"


def key(reference: str) -> str:
    return f"{PREFIX}{reference}"


def display_name(user) -> str:
    return user.first_name or user.get_username()


def beat(reference: str, user, *, typing: bool = False, now: float | None = None) -> None:
    """Remember that `user` has the case open (and is typing, with `typing`)."""
    now = time.time() if now is None else now
    entries = fresh(cache.get(key(reference)) or {}, now)
    entry = entries.get(user.pk, {})
    entries[user.pk] = {
        "name": display_name(user),
        "seen": now,
        "typed": now if typing else entry.get("typed", 0.0),
    }
    cache.set(key(reference), entries, SEEN_SECONDS)


def fresh(entries: dict, now: float) -> dict:
    return {pk: e for pk, e in entries.items() if now - e["seen"] < SEEN_SECONDS}


def others(entries: dict, user, now: float) -> list[dict]:
    """The other people on the case: [{"name", "typing"}], by name."""
    found = [
        {"name": e["name"], "typing": now - e["typed"] < TYPING_SECONDS}
        for pk, e in fresh(entries, now).items()
        if pk != user.pk
    ]
    return sorted(found, key=lambda e: e["name"])


def on_case(reference: str, user, now: float | None = None) -> list[dict]:
    now = time.time() if now is None else now
    return others(cache.get(key(reference)) or {}, user, now)


def on_cases(references, user, now: float | None = None) -> dict[str, list[dict]]:
    """Reference → the other people on it, for a page of the queue: one cache read."""
    now = time.time() if now is None else now
    found = cache.get_many([key(r) for r in references])
    result = {}
    for cache_key, entries in found.items():
        people = others(entries, user, now)
        if people:
            result[cache_key.removeprefix(PREFIX)] = people
    return result


def with_presence(rows: list[dict], user) -> list[dict]:
    """The queue's rows with `presence`: the others who have each case open."""
    present = on_cases([row["reference"] for row in rows], user)
    for row in rows:
        row["presence"] = present.get(row["reference"], [])
    return rows
