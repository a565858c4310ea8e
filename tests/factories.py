"""Factories for the models; `case_in(state)` builds a case whose guards hold in that state."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory, Password

from cases.models import ActionKind, Case, Message, State
from customers.models import ConfirmationRequest, Customer
from review.models import Intent, Suggestion


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyAttribute(lambda u: u.username.title())
    password = Password("pw")
    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    name = factory.Faker("name")
    language = "en"


class IntentFactory(DjangoModelFactory):
    class Meta:
        model = Intent
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"intent_{n}")
    name = factory.LazyAttribute(lambda i: i.slug.replace("_", " ").capitalize())
    action = ActionKind.REPLY
    mode = Intent.Mode.AUTO
    threshold = 0.8
    reply_templates = {"en": "Hello {customer_name}, done ({reference}).", "de": "Hallo!"}


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    customer = factory.SubFactory(CustomerFactory)
    subject = factory.Faker("sentence", nb_words=4)
    state = State.NEW  # the protected field can be set through the constructor, for tests
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))


class MessageFactory(DjangoModelFactory):
    class Meta:
        model = Message

    case = factory.SubFactory(CaseFactory)
    direction = Message.Direction.INBOUND
    author_kind = Message.AuthorKind.CUSTOMER
    text = "Where is my order 123456?"


class SuggestionFactory(DjangoModelFactory):
    class Meta:
        model = Suggestion

    case = factory.SubFactory(CaseFactory)
    message = factory.LazyAttribute(lambda s: MessageFactory(case=s.case))
    engine = "tfidf"
    model_label = "test-model"
    intent = factory.SubFactory(IntentFactory)
    confidence = 0.95
    action = factory.LazyAttribute(lambda s: s.intent.action)
    draft_reply = "Hello, your order is on its way."
    automatable = True
    reason_codes = factory.LazyFunction(list)
    policy_version = 1

    class Params:
        needs_review = factory.Trait(automatable=False, reason_codes=["low_confidence"])


def case_in(state: str, *, automatable: bool = False, action: str = ActionKind.REPLY, **suggestion):
    """A case in `state` with what its transitions' guards read: a suggestion, a confirmation."""
    case = CaseFactory(state=state)
    intent = IntentFactory(slug=f"test_{action}", action=action)
    reasons = [] if automatable else ["low_confidence"]
    made = SuggestionFactory(
        case=case, intent=intent, automatable=automatable, reason_codes=reasons, **suggestion
    )
    case.current_suggestion = made
    case.save()
    if state == State.AWAITING_CUSTOMER:
        case.proposal_version = 1
        case.save()
        ConfirmationRequest.issue(
            case=case, kind="choose", options=[{"id": "a", "label": "Monday"}]
        )
    if state == State.RESOLVED:
        case.resolved_at = timezone.now()
        case.save()
    return case
