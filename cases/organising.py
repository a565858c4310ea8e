"""What the workspace shows of tags, duplicates and bulk work (read side; docs/bulk.md)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q
from django_fsm import can_proceed

from cases.duplicates import suggested_merge
from cases.models import Case, Tag, may_handle


def rows_tagged(rows: list[dict]) -> list[dict]:
    """Each queue row gets its tags as (name, colour): one query for the whole page."""
    through = Tag.cases.through
    found: dict[str, list] = {}
    pairs = (
        through.objects.filter(case__reference__in=[row["reference"] for row in rows])
        .order_by("tag__name")
        .values_list("case__reference", "tag__name", "tag__colour")
    )
    for reference, name, colour in pairs if rows else ():
        found.setdefault(reference, []).append((name, colour))
    for row in rows:
        row["tags"] = found.get(row["reference"], ())
    return rows


def colleagues():
    """Active users who work cases (directly, by a group, or as superusers), by username."""
    perm = Permission.objects.get(content_type__app_label="cases", codename="work_case")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions=perm) | Q(user_permissions=perm) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
        .values_list("username", flat=True)
    )


def toolbar_context() -> dict:
    """The queue's bulk toolbar and tag filter: the tags and the colleagues to choose from."""
    return {"all_tags": list(Tag.objects.all()), "colleagues": list(colleagues())}


def case_organising(case: Case, user) -> dict:
    """The case page's tags, the duplicate it may be, and whether this user may merge it."""
    # Every tag, marked whether the case has it: one query for both lists.
    on_case = Tag.cases.through.objects.filter(tag=OuterRef("pk"), case=case)
    tags = list(Tag.objects.annotate(on_case=Exists(on_case)))
    return {
        "tags": [t for t in tags if t.on_case],
        "tag_choices": [t for t in tags if not t.on_case],
        "duplicate_of": suggested_merge(case),
        "may_merge": can_proceed(case.merge, check_conditions=False) and may_handle(case, user),
    }
