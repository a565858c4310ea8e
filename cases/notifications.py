"""In-app notifications, written from the case's events in the transaction that wrote them.

The transition path calls `notify` right after it recorded the event (`cases.transitions.path`):
every way a case is assigned (a claim, a take-over, an assignment by someone else, a bulk
assign), a customer's message and a note's @mentions pass there, so this is the one place that
writes notifications. One event notifies a person at most once per kind (a unique constraint),
and never about what they did themselves. No query unless someone is notified.
"""

from cases.models import ActorKind, CaseEvent, Notification

CUSTOMER_REPLIES = ("message_received", "reopen")


def notify(event: CaseEvent, *, assignee_before: int | None) -> list[Notification]:
    case = event.case
    actor_id = event.actor_user_id
    kinds: list[tuple[int, str, str]] = []  # (user id, kind, text)
    if case.assignee_id and case.assignee_id != assignee_before and case.assignee_id != actor_id:
        kinds.append((case.assignee_id, Notification.Kind.ASSIGNED, ""))
    customer_wrote = event.actor_kind == ActorKind.CUSTOMER and event.name in CUSTOMER_REPLIES
    if customer_wrote and case.assignee_id and not event.data.get("automatic"):
        kinds.append((case.assignee_id, Notification.Kind.CUSTOMER_REPLY, ""))
    for mention in event.data.get("mentions", ()) if event.name == "note" else ():
        if mention["user"] != actor_id:
            kinds.append((mention["user"], Notification.Kind.MENTION, event.comment[:300]))
    if not kinds:
        return []
    return Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                case=case,
                event=event,
                kind=kind,
                actor=event.actor_display if actor_id else "",
                text=text,
            )
            for user_id, kind, text in kinds
        ],
        ignore_conflicts=True,
    )
