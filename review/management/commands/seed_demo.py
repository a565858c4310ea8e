"""Seed a demo: roles and users, intents with their policy, examples, a model, and cases.

Idempotent: running it again changes nothing that exists. Cases are created through the real
pipeline (intake → suggestion → routing → transitions), never by setting states.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from rest_framework.authtoken.models import Token

from cases.intake import message_receive
from cases.models import State
from cases.roles import ensure_roles
from cases.transitions import Actor, TransitionError, case_transition
from review.demo import demo_intents, demo_messages
from review.models import Intent, ModelVersion, TrainingExample
from review.suggest import suggestion_create
from review.training import model_train

USERS = [
    # username, password, role, full name
    ("agent", "agent-demo", "agent", "Anna Agent"),
    ("agent2", "agent2-demo", "agent", "Ben Berger"),
    ("supervisor", "supervisor-demo", "supervisor", "Sara Supervisor"),
    ("integrator", "integrator-demo", "integrator", "API Integrator"),
]


class Command(BaseCommand):
    help = "Create demo users, intents, training examples, a model and cases (idempotent)."

    def handle(self, *args, **options):
        ensure_roles()
        users = self.seed_users()
        self.seed_intents()
        if not ModelVersion.objects.filter(is_active=True).exists():
            version = model_train()
            accuracy = version.metrics.get("accuracy", 0.0)
            self.stdout.write(f"Trained {version.label}: holdout accuracy {accuracy:.3f}")
        created = self.seed_cases()
        if created:
            self.play(created, users)
        self.report(users)

    def seed_users(self) -> dict:
        User = get_user_model()
        users = {}
        for username, password, role, full_name in USERS:
            first, _, last = full_name.partition(" ")
            user, created = User.objects.get_or_create(
                username=username,
                # Only supervisors use the admin (`is_staff`); agents work in the workspace.
                defaults={"first_name": first, "last_name": last, "is_staff": role == "supervisor"},
            )
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(*user.groups.model.objects.filter(name=role))
            users[username] = User.objects.get(pk=user.pk)  # fresh permission cache
        return users

    def seed_intents(self) -> None:
        for spec in demo_intents():
            intent, _ = Intent.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    "name": spec["name"]["en"],
                    "name_de": spec["name"].get("de", ""),
                    "action": spec["action"],
                    "mode": spec["mode"],
                    "threshold": spec["threshold"],
                    "risk_class": spec["risk_class"],
                    "amount_limit": spec["amount_limit"],
                    "required_slots": spec["required_slots"],
                    "qa_sample_rate": spec["qa_sample_rate"],
                    "four_eyes": spec["four_eyes"],
                    "reply_templates": spec["reply_templates"],
                    "is_out_of_scope": spec["slug"] == "out_of_scope",
                },
            )
            if TrainingExample.objects.filter(intent=intent, source="seed").exists():
                continue
            TrainingExample.objects.bulk_create(
                TrainingExample(text=text, language=language, intent=intent, source="seed")
                for language, texts in spec["examples"].items()
                for text in texts
            )

    def seed_cases(self) -> list:
        created = []
        for number, message in enumerate(demo_messages(), start=1):
            intake = message_receive(
                from_email=message["from_email"],
                from_name=message["from_name"],
                subject=message["subject"],
                body=message["body"],
                language=message["language"],
                channel="email",
                external_id=f"demo-{number}",
            )
            if intake.created:
                created.append(intake.case)
        # The last case is left to the worker, so the demo shows routing happen live.
        for case in created[:-1]:
            suggestion_create(case_id=case.pk)
        return created[:-1]

    def play(self, cases, users) -> None:
        """Move some routed cases on as agents and customers would, through real transitions."""
        agent, agent2, supervisor = users["agent"], users["agent2"], users["supervisor"]
        by_state: dict[str, list] = {}
        for case in cases:
            case.refresh_from_db()
            by_state.setdefault(case.state, []).append(case)
        review = by_state.get(State.IN_REVIEW, [])
        awaiting = by_state.get(State.AWAITING_CUSTOMER, [])
        resolved = by_state.get(State.RESOLVED, [])
        steps = []
        if len(review) >= 6:
            steps += [
                (review[0], "take_over", Actor.staff(agent), {}),
                (review[1], "take_over", Actor.staff(agent2), {}),
                (review[1], "reply", Actor.staff(agent2), {"text": "We have sorted this out."}),
                (review[2], "escalate", Actor.staff(agent), {"reason": "Customer is very upset"}),
                (review[3], "take_over", Actor.staff(agent), {}),
                (review[3], "escalate", Actor.staff(agent), {"reason": "Needs a goodwill gesture"}),
                (review[4], "approve", Actor.staff(supervisor), {}),
                (review[5], "approve", Actor.staff(supervisor), {}),
            ]
        for index, case in enumerate(awaiting[:3]):
            confirmation = case.confirmations.pending().first()
            if confirmation is None:
                continue
            if index == 0:
                option = confirmation.options[0]["id"] if confirmation.options else ""
                steps.append(
                    (case, "customer_accept", Actor.customer(confirmation), {"option": option})
                )
            elif index == 1:
                steps.append(
                    (
                        case,
                        "customer_decline",
                        Actor.customer(confirmation),
                        {"comment": "None of these suits me."},
                    )
                )
        if resolved:
            steps.append((resolved[0], "close", Actor.staff(agent), {}))
        for case, name, actor, payload in steps:
            try:
                with transaction.atomic():
                    case_transition(case=case, name=name, actor=actor, payload=payload)
            except TransitionError as error:
                self.stderr.write(f"  {case.reference}: {name} skipped ({error.message})")
        if len(resolved) > 1:
            # A customer writes again on a resolved case: it reopens (customer_replied).
            case = resolved[1]
            message_receive(
                from_email=case.customer.email,
                subject=f"Re: {case.subject} [#{case.reference}]",
                body="Thanks, but this is still not working for me.",
                channel="email",
                external_id=f"demo-followup-{case.reference}",
            )

    def report(self, users) -> None:
        from cases.models import Case

        counts = {state: Case.objects.filter(state=state).count() for state in State.values}
        self.stdout.write("Cases by state: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        self.stdout.write("Demo logins (username / password):")
        for username, password, role, _ in USERS:
            self.stdout.write(f"  {username:<11} / {password:<16} ({role})")
        token, _ = Token.objects.get_or_create(user=users["integrator"])
        self.stdout.write(f"API token of 'integrator': {token.key}")
