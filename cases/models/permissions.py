"""Who may drive a transition: django-fsm-2's `permission=` of each, checked by the path."""

from cases.models.choices import State


# Permissions of transitions. django-fsm-2 only advises them: the transition path checks them.
def nobody(case, user) -> bool:
    """Transitions driven only by the system or by the customer's link, never by a staff user."""
    return False


def may_work(case, user) -> bool:
    """Agents work cases; a case in progress belongs to its assignee (and supervisors)."""
    if not user.has_perm("cases.work_case"):
        return False
    if case.state == State.IN_PROGRESS and case.assignee_id not in (None, user.pk):
        return user.has_perm("cases.handle_escalated")
    return True


def may_handle(case, user) -> bool:
    """Escalated cases belong to supervisors."""
    if case.state == State.ESCALATED:
        return user.has_perm("cases.handle_escalated")
    return may_work(case, user)


def may_decide(case, user) -> bool:
    """Approve or amend: the approver may act on the risk class; four eyes are two people."""
    if not may_handle(case, user):
        return False
    suggestion = case.current_suggestion
    if suggestion is None:
        return True  # nothing to decide yet: the guard refuses, as a conflict
    if suggestion.risk_class == "legal" and not user.has_perm("cases.decide_legal"):
        return False
    # Four eyes: whoever approved already cannot be the second pair.
    return not (suggestion.four_eyes and suggestion.approvals.filter(user=user).exists())
