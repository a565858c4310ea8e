"""Recorded actions that organise cases without moving them: tags and assignment to a colleague."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Tag
from cases.transitions.errors import InvalidPayload, TransitionConflict
from cases.transitions.fields import LineField
from cases.transitions.forms import PayloadForm
from cases.transitions.step import Step


class TagForm(PayloadForm):
    tag = LineField(max_length=40, required=True, label=gettext_lazy("Tag"))


class AssignForm(PayloadForm):
    assignee = LineField(max_length=150, required=True, label=gettext_lazy("Assign to"))


def existing_tag(name: str) -> Tag:
    """Tags are the supervisors' list (admin): an agent picks one, never invents one."""
    tag = Tag.objects.named(name).first()
    if tag is None:
        raise InvalidPayload(
            _("There is no tag %(name)s.") % {"name": name}, {"tag": [_("Unknown tag.")]}
        )
    return tag


def handle_tag(step: Step) -> None:
    tag = existing_tag(step.data["tag"])
    if tag.cases.filter(pk=step.case.pk).exists():
        raise TransitionConflict(
            _("Already tagged %(tag)s.") % {"tag": tag.name}, {"tag": [tag.name]}
        )
    tag.cases.add(step.case)
    step.event_data = {"tag": tag.name}


def handle_untag(step: Step) -> None:
    tag = existing_tag(step.data["tag"])
    if not tag.cases.filter(pk=step.case.pk).exists():
        raise TransitionConflict(_("Not tagged %(tag)s.") % {"tag": tag.name}, {"tag": [tag.name]})
    tag.cases.remove(step.case)
    step.event_data = {"tag": tag.name}


def handle_assign(step: Step) -> None:
    """Give the case to a colleague who works cases; another person's case only by a supervisor."""
    user = get_user_model().objects.filter(username=step.data["assignee"], is_active=True).first()
    if user is None or not user.has_perm("cases.work_case"):
        raise InvalidPayload(
            _("%(name)s does not work cases.") % {"name": step.data["assignee"]},
            {"assignee": [_("Not a colleague who works cases.")]},
        )
    holder = step.case.assignee
    if holder is not None and holder.pk == user.pk:
        name = user.get_full_name() or user.get_username()
        raise TransitionConflict(_("Already assigned to %(name)s.") % {"name": name})
    if holder is not None and holder.pk != step.actor.user.pk:
        name = holder.get_full_name() or holder.get_username()
        if not step.actor.user.has_perm("cases.handle_escalated"):  # supervisors reassign
            raise TransitionConflict(_("Already assigned to %(name)s.") % {"name": name})
    step.case.assign(user)
    step.event_data = {"assignee": user.get_username()}
