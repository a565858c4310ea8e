"""@mentions in internal notes: who a note names, and the note with its mentions marked.

`@username` names that person, `@Firstname` too when exactly one active user has that first
name. Anything else stays plain text. The note's event keeps what was resolved
(`data["mentions"]`): the timeline marks those, and the notifications go to those users.
"""

import re

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MENTION = re.compile(r"(?<![\w@])@([\w][\w.+-]*\w|\w)")
MAX_MENTIONS = 10


def mentions_in(text: str, *, author=None) -> list[dict]:
    """[{"user": id, "username": ..., "as": "Ben"}] for each person the text names, once each;
    the author is never among them. One query, none without an @."""
    names = list(dict.fromkeys(MENTION.findall(text)))[:MAX_MENTIONS]
    if not names:
        return []
    wanted = Q()
    for name in names:
        wanted |= Q(username__iexact=name) | Q(first_name__iexact=name)
    users = list(
        get_user_model()
        .objects.filter(wanted, is_active=True)
        .values_list("pk", "username", "first_name")
    )
    found, seen = [], set()
    for name in names:
        lowered = name.lower()
        by_username = [u for u in users if u[1].lower() == lowered]
        by_first = [u for u in users if u[2].lower() == lowered]
        match = by_username or (by_first if len(by_first) == 1 else [])
        if not match:
            continue  # unknown or ambiguous: left as text
        pk, username, _first = match[0]
        if pk in seen or (author is not None and pk == author.pk):
            continue
        seen.add(pk)
        found.append({"user": pk, "username": username, "as": name})
    return found


def mark_mentions(text: str, mentions) -> SafeString:
    """The note, escaped, with the resolved mentions in <mark>: unknown names stay text."""
    resolved = {m["as"].lower(): m["username"] for m in mentions or [] if isinstance(m, dict)}
    out, last = [], 0
    for match in MENTION.finditer(text):
        username = resolved.get(match.group(1).lower())
        if username is None:
            continue
        out.append(escape(text[last : match.start()]))
        out.append(
            f'<mark class="mention" title="{escape(username)}">{escape(match.group(0))}</mark>'
        )
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above
