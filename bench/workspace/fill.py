"""Grow the bench database to N cases with raw COPY: a realistic history, a bounded backlog.

Usage (from the repository root, environment as in bench/workspace/README.md):

    .venv/bin/python -m bench.workspace.fill prepare          # migrate, seed_demo, bench user
    .venv/bin/python -m bench.workspace.fill grow 10000       # add cases until there are 10,000
    .venv/bin/python -m bench.workspace.fill backlog 10000    # add 10,000 open cases on top

Generated cases go back in time from the moment of the first `grow`, one every minute
(10k cases ≈ 7 days, 1M ≈ 1.9 years), so growing adds older history and the open backlog
stays where it is in real life: the newest WINDOW cases carry the live mix of states (new, in
review, escalated, in progress, awaiting the customer, resolved); older ones are resolved
(younger than CLOSE_AFTER_DAYS) or closed, except a small share of stale cases left in review
or in progress (0.15 %), which is how the backlog creeps up with history in practice.

`backlog N` adds N open cases on top of the history, as a team that has fallen behind would
have them: in review, escalated or in progress (the live window's mix), every intent and
reason set, arrived 3 hours to weeks ago (a third overdue), one new customer per three.

Every case gets 3 messages (1 for `new`), a current Suggestion (none for `new`), 2 to 5
CaseEvents, review items where it went through review (an open one with reason codes while in
review or escalated), a pending confirmation while awaiting the customer. Customers: one per
three cases on average; 1 % of the cases belong to ten large customers.

Rows are written with COPY in chunks of 10,000 cases per transaction, with
`session_replication_role = replica` (foreign-key triggers off: the ids are consistent by
construction, and a range check at the end verifies them) and `synchronous_commit = off`.
Only the database named in DATABASE_URL is touched; it must be called bench_workspace (or what
the environment variable BENCH_DB names).
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime

INTERVAL_S = 60  # one case a minute
WINDOW = 5000  # the newest generated cases: the live backlog (≈ 3.5 days)
NEW_COUNT = 25  # the very newest are still waiting for their suggestion
CHUNK = 10_000
BIG_CUSTOMERS = 10
BENCH_USER = ("bench_agent", "bench-agent-password")
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REF_SPACE = 31**8
REF_MULTIPLIER = 2_654_435_761  # prime, coprime with 31: id -> reference is a bijection

RECENT_MIX = [  # final state of a case in the live window, and its weight
    ("resolved", 46),
    ("in_review", 28),
    ("escalated", 4),
    ("in_progress", 12),
    ("awaiting_customer", 10),
]
REASON_SETS = [  # open review items' reason codes, roughly as the demo policy produces them
    (["intent_mode_assist"], 18),
    (["intent_mode_assist", "risk_class:legal"], 12),
    (["low_confidence"], 14),
    (["out_of_scope"], 10),
    (["missing_slot:order_number"], 10),
    (["missing_slot:contract_number"], 6),
    (["risk_class:financial"], 8),
    (["risk_class:financial", "amount_over_limit"], 5),
    (["low_confidence", "risk_class:financial"], 4),
    (["sampled_for_qa"], 6),
    (["customer_declined"], 3),
    (["customer_replied"], 3),
    (["customer_no_answer"], 1),
]
PRIORITIES = [(1, 10), (2, 70), (3, 15), (4, 5)]
SLA_HOURS = {1: 72, 2: 24, 3: 8, 4: 4}
FIRST = ["Anna", "Ben", "Clara", "David", "Eva", "Felix", "Grace", "Hannah", "Jonas", "Lea"]
FIRST += ["Mia", "Noah", "Olivia", "Paul", "Priya", "Sara", "Tobias", "Yusuf", "Zoe", "Lukas"]
LAST = ["Berger", "Cole", "Fischer", "Lang", "Meyer", "Raman", "Schröder", "Wagner", "Whitman"]
LAST += ["Weber", "Becker", "Hoffmann", "Schulz", "Koch", "Richter", "Klein", "Wolf", "Neumann"]
SUBJECTS = [
    "Delivery date",
    "Where is my order?",
    "Invoice copy please",
    "Change of address",
    "Refund for returned item",
    "Contract adjustment",
    "Lieferung verschieben",
    "Rechnung fehlt",
    "Kündigung und Datenschutz",
    "Device does not start",
    "Complaint about the repair",
    "Question about my tariff",
]
BODIES = [
    "Hello,\n\nmy order {order} was supposed to arrive on Monday but nobody came. Could you "
    "tell me when the delivery will happen? I am at home after 4 pm on weekdays.\n\n"
    "Thanks, {name}",
    "Hi, please send me a copy of the invoice for order {order}, I need it for my tax "
    "return. The original never arrived in my mailbox. Kind regards, {name}",
    "Guten Tag,\n\nwir sind umgezogen. Bitte ändern Sie die Lieferadresse für den Vertrag "
    "{contract} ab dem nächsten Monat auf die neue Anschrift. Vielen Dank, {name}",
    "Hello, I returned the item from order {order} two weeks ago and still have not received "
    "my refund of {amount} EUR. Please check what is going on. {name}",
    "Sehr geehrte Damen und Herren, ich widerspreche der Verarbeitung meiner Daten und "
    "verlange Auskunft nach Art. 15 DSGVO zu Vertrag {contract}. Mit freundlichen Grüßen {name}",
    "The device I bought (order {order}) shows a red light and does not start any more. I "
    "already tried unplugging it for ten minutes. What should I do? {name}",
    "If I do not hear from you by Friday I will hand this over to my lawyer. The repair of "
    "order {order} has now taken five weeks. {name}",
    "Hallo, können wir den Abschlag für Vertrag {contract} auf {amount} EUR senken? Unser "
    "Verbrauch ist seit dem Sommer deutlich niedriger. Danke, {name}",
]
ADDITIONS = [
    "Sorry, I forgot: the order number is {order}.",
    "Noch eine Ergänzung: am besten erreichen Sie mich vormittags.",
    "Any news on this? I am still waiting.",
    "Attached you will find the photo of the damaged parcel.",
]
REPLIES = [
    "Hello {name},\n\nthank you for your message about order {order}. We have checked it and "
    "taken care of it; you will receive a confirmation by e-mail shortly. If anything is "
    "still unclear, just reply to this message.\n\nKind regards\nYour customer service team",
    "Guten Tag {name},\n\nvielen Dank für Ihre Nachricht zu Vertrag {contract}. Wir haben die "
    "Änderung vorbereitet und melden uns, sobald sie wirksam ist.\n\nFreundliche Grüße\n"
    "Ihr Kundenservice",
    "Hello {name},\n\nwe received your message and a colleague will look at it personally. "
    "You will hear from us within one working day.\n\nKind regards\nYour customer service team",
]


def weighted(pairs):
    values = [v for v, _ in pairs]
    cum, total = [], 0
    for _, w in pairs:
        total += w
        cum.append(total)
    return values, cum


def reference_for(pk: int) -> str:
    n = (pk * REF_MULTIPLIER) % REF_SPACE
    chars = []
    for _ in range(8):
        n, r = divmod(n, 31)
        chars.append(REFERENCE_ALPHABET[r])
    return "".join(chars)


def esc(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    s = str(value)
    if "\\" in s or "\t" in s or "\n" in s or "\r" in s:
        s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return s


def ts(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def row(*values) -> str:
    return "\t".join(map(esc, values)) + "\n"


COLUMNS = {
    "customers_customer": "id, email, name, language, created_at, updated_at",
    "cases_case": (
        "id, reference, subject, channel, language, state, priority, due_at, proposal_version, "
        "proposal, outcome, created_at, updated_at, resolved_at, closed_at, assignee_id, "
        "current_suggestion_id, customer_id, previous_case_id"
    ),
    "cases_message": (
        "id, direction, author_kind, channel, subject, text, html, language, external_id, "
        'message_id, in_reply_to, "references", sent_at, created_at, author_user_id, case_id, '
        "engine_text, automatic, attempts, delivery_error, sender_check"
    ),
    "review_suggestion": (
        "id, engine, model_label, confidence, alternatives, slots, risk_flags, action, options, "
        "adjustment, draft_reply, language, automatable, reason_codes, risk_class, four_eyes, "
        "policy_version, created_at, case_id, intent_id, message_id, model_version_id"
    ),
    "review_reviewitem": (
        "id, reason_codes, status, claimed_at, decision, decided_at, created_at, case_id, "
        "claimed_by_id, decided_by_id, suggestion_id"
    ),
    "cases_caseevent": (
        "id, name, from_state, to_state, actor_kind, model_version, policy_version, "
        "reason_codes, comment, data, created_at, actor_user_id, case_id, confirmation_id, "
        "suggestion_id"
    ),
    "customers_confirmationrequest": (
        "id, proposal_version, kind, options, adjustment, token_hash, status, expires_at, "
        "reminded_at, decided_at, outcome, created_at, case_id, salt, text"
    ),
}


def setup_django():
    # Only a database named for the bench: bench_workspace, or the one BENCH_DB names (a
    # private copy, e.g. for an in-process profile beside someone else's load test).
    url = os.environ.get("DATABASE_URL", "")
    name = os.environ.get("BENCH_DB", "bench_workspace")
    if not url.rstrip("/").endswith(f"/{name}"):
        sys.exit(f"DATABASE_URL must point at the database {name} (BENCH_DB)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.workspace.settings")
    import django

    django.setup()


def check_schema(cur):
    """Fail early, with the column's name, if the schema gained a column COPY would leave NULL."""
    for table, columns in COLUMNS.items():
        listed = {c.strip().strip('"') for c in columns.split(",")}
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
            [table],
        )
        missing = sorted({r[0] for r in cur.fetchall()} - listed)
        if missing:
            sys.exit(f"{table} has NOT NULL columns fill.py does not write: {missing}")


def meta_get(cur, key, default=None):
    cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text)")
    cur.execute("SELECT value FROM bench_meta WHERE key = %s", [key])
    found = cur.fetchone()
    return found[0] if found else default


def meta_set(cur, key, value):
    cur.execute(
        "INSERT INTO bench_meta (key, value) VALUES (%s, %s) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        [key, str(value)],
    )


def prepare():
    """migrate, seed_demo (intents, users, the model, 47 cases), the bench agent."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo")
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=BENCH_USER[0], defaults={"first_name": "Bench", "last_name": "Agent"}
    )
    if created:
        user.set_password(BENCH_USER[1])
        user.save()
    user.groups.add(Group.objects.get(name="agent"))
    print(f"bench user {user.username} (id {user.pk}) in group agent")


class Generator:
    """Rows for one chunk of cases; ids come from counters handed in by the caller."""

    def __init__(self, ids, anchor, intents, users, model, rng):
        self.ids = ids  # table -> next id
        self.anchor = anchor
        self.intents = intents  # list of dicts: id, slug, action, risk_class, mode
        self.users = users
        self.model_id, self.model_label = model
        self.rng = rng
        self.recent = weighted(RECENT_MIX)
        self.reasons = weighted(REASON_SETS)
        self.priorities = weighted(PRIORITIES)
        self.intent_pick = weighted([(i, w) for i, w in zip(intents, INTENT_WEIGHTS, strict=False)])
        self.buffers = {table: [] for table in COLUMNS}
        self.counts = {table: 0 for table in COLUMNS}

    def next_id(self, table):
        value = self.ids[table]
        self.ids[table] = value + 1
        self.counts[table] += 1
        return value

    def pick(self, pair):
        values, cum = pair
        return self.rng.choices(values, cum_weights=cum)[0]

    def add(self, table, *values):
        self.buffers[table].append(row(*values))

    def customers(self, n, now):
        first_new = self.ids["customers_customer"]
        for _ in range(n):
            pk = self.next_id("customers_customer")
            name = f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"
            lang = "de" if self.rng.random() < 0.4 else "en"
            self.add("customers_customer", pk, f"c{pk}@example.net", name, lang, ts(now), ts(now))
        return first_new

    def state_for(self, k, age):
        if k < NEW_COUNT:
            return "new"
        if k < WINDOW:
            return self.pick(self.recent)
        r = self.rng.random()
        if r < 0.0010:
            return "in_progress"  # stale: taken over long ago and forgotten
        if r < 0.0015:
            return "in_review"  # stale: nobody picked it up
        return "resolved" if age < 7 * 86400 else "closed"

    def case(self, k, customer_id, customer_name, state=None, age=None):
        rng = self.rng
        if age is None:
            age = (k + 1) * INTERVAL_S + rng.random() * INTERVAL_S
        created = self.anchor - age
        state = state or self.state_for(k, age)
        pk = self.next_id("cases_case")
        ref = reference_for(pk)
        priority = self.pick(self.priorities)
        due = created + SLA_HOURS[priority] * 3600
        intent = self.pick(self.intent_pick)
        lang = "de" if rng.random() < 0.4 else "en"
        order = f"A-{rng.randint(10000, 99999)}"
        contract = f"V-20{rng.randint(18, 26)}-{rng.randint(100, 999)}"
        amount = f"{rng.randint(20, 900)}.00"
        fill = {"order": order, "contract": contract, "amount": amount, "name": customer_name}
        subject = rng.choice(SUBJECTS)
        body = rng.choice(BODIES).format(**fill)
        # Which path brought the case to its state.
        if state in ("resolved", "closed"):
            r = rng.random()
            path = "automate" if r < 0.55 else ("approve" if r < 0.90 else "take_over_reply")
        elif state == "awaiting_customer":
            path = "automate"
        elif state == "new":
            path = "none"
        else:
            path = "review"
        reviewed = path in ("approve", "take_over_reply", "review")
        reasons = self.pick(self.reasons) if reviewed else []
        if state == "escalated" and "escalated" not in reasons:
            reasons = [*reasons, "escalated"]
        assigned = state == "in_progress" or path == "take_over_reply"
        if state in ("in_review", "escalated"):
            assigned = rng.random() < 0.1
        assignee = rng.choice(self.users) if assigned else None

        # Messages: the customer's message, an addition, our reply (new: only the first).
        m1 = self.next_id("cases_message")
        self.add(
            "cases_message", m1, "in", "customer", "email", subject, body, "", lang,
            f"<{ref}.1@mail.example.net>", f"<{ref}.1@mail.example.net>", "", "", None,
            ts(created), None, pk, "", "", 0, "", "",
        )  # fmt: skip
        t = created
        if state != "new":
            m2 = self.next_id("cases_message")
            t = created + 600 + rng.random() * 3000
            self.add(
                "cases_message", m2, "in", "customer", "email", f"Re: {subject}",
                rng.choice(ADDITIONS).format(**fill), "", lang, f"<{ref}.2@mail.example.net>",
                f"<{ref}.2@mail.example.net>", f"<{ref}.1@mail.example.net>", "", None, ts(t),
                None, pk, "", "", 0, "", "",
            )  # fmt: skip
            m3 = self.next_id("cases_message")
            author = "ai" if path in ("automate", "review") else "agent"
            reply_user = assignee if author == "agent" else None
            t3 = t + 60 + rng.random() * 600
            self.add(
                "cases_message", m3, "out", author, "email", f"Re: {subject} [#{ref}]",
                rng.choice(REPLIES).format(**fill), "", lang, "", f"<{ref}.{m3:x}@example.com>",
                f"<{ref}.2@mail.example.net>", f"<{ref}.1@mail.example.net>", ts(t3 + 5),
                ts(t3), reply_user, pk, "", "", 0, "", "",
            )  # fmt: skip

        # The current suggestion.
        sid = None
        if state != "new":
            sid = self.next_id("review_suggestion")
            alt = [s for s in ALT_SLUGS if s != intent["slug"]][:3]
            confidence = 0.5 + rng.random() * 0.5 if reviewed else 0.9 + rng.random() * 0.1
            alternatives = json.dumps([[s, round((1 - confidence) / 4, 4)] for s in alt])
            slots = json.dumps({"order_number": order} if "order" in body else {})
            risk = intent["risk_class"]
            self.add(
                "review_suggestion", sid, "tfidf", self.model_label, confidence, alternatives,
                slots, json.dumps([risk] if risk != "none" else []), intent["action"], "[]",
                "{}", rng.choice(REPLIES).format(**fill), lang, not reviewed,
                json.dumps(reasons), risk, False, 1, ts(created + 2), pk, intent["id"], m1,
                self.model_id,
            )  # fmt: skip

        # Events, review items, confirmation.
        ev = []  # (name, from, to, actor_kind, actor_user, reason_codes, comment, data, time)
        ev.append(("message_received", "new", "new", "customer", None, [], "", {"message": m1}))
        resolved_at = closed_at = None
        proposal, proposal_version = {}, 0
        decided_t = t + 900 + rng.random() * 7200
        if path == "automate":
            if state == "awaiting_customer":
                cid = self.next_id("customers_confirmationrequest")
                proposal_version = 1
                adjustment = {"change": intent["slug"], "effective": "2026-12-01"}
                proposal = {"kind": "confirm", "options": [], "adjustment": adjustment}
                self.add(
                    "customers_confirmationrequest", cid, 1, "confirm", "[]",
                    json.dumps(adjustment), f"{pk:064x}", "pending", ts(created + 7 * 86400),
                    None, None, "{}", ts(created + 3), pk, f"{pk:032x}", "",
                )  # fmt: skip
                data = {"confirmation": cid, "proposal_version": 1}
                ev.append(("automate", "new", "awaiting_customer", "ai", None, [], "", data))
            else:
                ev.append(("automate", "new", "resolved", "ai", None, [], "", {"message": m3}))
                resolved_at = created + 3
        elif reviewed:
            ev.append(("route_to_review", "new", "in_review", "ai", None, reasons, "", {}))
        if path == "approve":
            user = rng.choice(self.users)
            ev.append(("approve", "in_review", "resolved", "agent", user, [], "", {"message": m3}))
            self.review_item(pk, sid, reasons, "decided", "approved", user, created, decided_t)
            resolved_at = decided_t
        elif path == "take_over_reply":
            data = {"assignee": "agent"}
            ev.append(("take_over", "in_review", "in_progress", "agent", assignee, [], "", data))
            ev.append(("reply", "in_progress", "resolved", "agent", assignee, [], "", {}))
            self.review_item(
                pk, sid, reasons, "decided", "taken_over", assignee, created, decided_t
            )
            resolved_at = decided_t + 3600
        elif state == "in_progress":
            data = {"assignee": "agent"}
            ev.append(("take_over", "in_review", "in_progress", "agent", assignee, [], "", data))
            self.review_item(
                pk, sid, reasons, "decided", "taken_over", assignee, created, decided_t
            )
        elif state == "escalated":
            user = rng.choice(self.users)
            why = "Customer is very upset"
            ev.append(("escalate", "in_review", "escalated", "agent", user, ["escalated"], why, {}))
            self.review_item(pk, sid, reasons[:-1], "decided", "escalated", user, created, t + 60)
            self.review_item(pk, sid, reasons, "open", "", None, t + 60, None)
        elif state == "in_review":
            claimed = rng.random() < 0.15
            self.review_item(
                pk, sid, reasons, "claimed" if claimed else "open", "",
                rng.choice(self.users) if claimed else None, created, None,
            )  # fmt: skip
        if state == "closed":
            closed_at = (resolved_at or created) + 7 * 86400 + rng.random() * 3600
            ev.append(("close", "resolved", "closed", "system", None, [], "", {}))
        for i, (name, frm, to, actor, user, codes, comment, data) in enumerate(ev):
            eid = self.next_id("cases_caseevent")
            when = created + i * 400 if i < 2 else decided_t
            if name == "reply":
                when = resolved_at
            elif name == "close":
                when = closed_at
            ai = name in ("automate", "route_to_review", "approve", "take_over")
            self.add(
                "cases_caseevent", eid, name, frm, to, actor, self.model_label if ai else "",
                1 if ai else None, json.dumps(codes), comment, json.dumps(data), ts(when), user,
                pk, None, sid if ai else None,
            )  # fmt: skip
        updated = max(x for x in (created, resolved_at, closed_at, decided_t) if x is not None)
        self.add(
            "cases_case", pk, ref, subject, "email", lang, state, priority, ts(due),
            proposal_version, json.dumps(proposal), "{}", ts(created), ts(updated),
            ts(resolved_at) if resolved_at else None, ts(closed_at) if closed_at else None,
            assignee, sid, customer_id, None,
        )  # fmt: skip

    def review_item(self, case_id, sid, reasons, status, decision, user, created, decided):
        pk = self.next_id("review_reviewitem")
        claimed = status == "claimed" or decision == "taken_over"
        self.add(
            "review_reviewitem", pk, json.dumps(reasons), status,
            ts(created + 300) if claimed else None, decision, ts(decided) if decided else None,
            ts(created + 1), case_id, user if claimed else None,
            user if status == "decided" else None, sid,
        )  # fmt: skip

    def flush(self, cur):
        for table, lines in self.buffers.items():
            if not lines:
                continue
            with cur.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                for start in range(0, len(lines), 5000):
                    copy.write("".join(lines[start : start + 5000]))
            lines.clear()


INTENT_WEIGHTS = [12, 10, 10, 16, 12, 10, 5, 4, 12, 9]
ALT_SLUGS = ["order_status", "out_of_scope", "address_change", "legal_complaint"]


def fill_context():
    """The intents, the agents (not the bench agent) and the active model the rows refer to."""
    from django.contrib.auth import get_user_model

    from review.models import Intent, ModelVersion

    intents = list(Intent.objects.order_by("pk").values("id", "slug", "action", "risk_class"))
    users = list(
        get_user_model()
        .objects.filter(groups__name__in=["agent", "supervisor"])
        .exclude(username=BENCH_USER[0])
        .values_list("pk", flat=True)
    )
    model = ModelVersion.objects.filter(is_active=True).values_list("pk", "label").first()
    if not intents or not users or model is None:
        sys.exit("run `prepare` first (seed_demo: intents, users, model)")
    return intents, users, model


def grow(target: int, seed: int = 0):
    setup_django()
    from django.db import connection

    t0 = time.monotonic()
    intents, users, model = fill_context()
    with connection.cursor() as django_cursor:
        cur = django_cursor.cursor  # the psycopg cursor
        check_schema(cur)
        cur.execute("SELECT count(*) FROM cases_case")
        total = cur.fetchone()[0]
        anchor = meta_get(cur, "anchor")
        if anchor is None:
            cur.execute("SELECT extract(epoch FROM min(created_at)) FROM cases_case")
            anchor = float(cur.fetchone()[0] or time.time())
            meta_set(cur, "anchor", anchor)
            meta_set(cur, "seed_cases", total)
        anchor = float(anchor)
        seed_cases = int(meta_get(cur, "seed_cases"))
        if total >= target:
            print(f"{total} cases already, nothing to do")
            return
        ids = {}
        for table in COLUMNS:
            cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608
            ids[table] = cur.fetchone()[0]
        first_ids = dict(ids)
        cur.execute("SELECT reference FROM cases_case WHERE id < %s", [ids["cases_case"]])
        taken = {r[0] for r in cur.fetchall()}
        first_case = ids["cases_case"]
        if any(reference_for(pk) in taken for pk in range(first_case, first_case + target)):
            sys.exit("reference collision with existing cases; start from a fresh database")
        cur.execute("SET session_replication_role = replica")
        cur.execute("SET synchronous_commit = off")
        rng = random.Random(seed * 1_000_003 + total)
        gen = Generator(ids, anchor, intents, users, model, rng)
        # Generated history so far (a backlog added on top is not history): the next case is
        # the k-th newest.
        k = total - seed_cases - int(meta_get(cur, "backlog", 0))
        todo = target - total
        big = None
        done = 0
        while done < todo:
            n = min(CHUNK, todo - done)
            first_customer = gen.customers(max(1, n // 3), anchor - (k + n) * INTERVAL_S)
            if big is None:
                big = int(meta_get(cur, "big_customer", first_customer))
            last_customer = gen.ids["customers_customer"] - 1
            for i in range(n):
                if rng.random() < 0.01:
                    cid = big + rng.randrange(BIG_CUSTOMERS)
                else:
                    cid = rng.randint(big, last_customer)
                gen.case(k + i, cid, rng.choice(FIRST))
            cur.execute("BEGIN")
            gen.flush(cur)
            meta_set(cur, "generated", k + n)
            meta_set(cur, "big_customer", big)
            cur.execute("COMMIT")
            k += n
            done += n
            rate = done / (time.monotonic() - t0)
            print(f"  {total + done:>9,} cases  ({rate:,.0f} cases/s)", flush=True)
        end_copy(cur, first_ids)
        print(f"grew {total:,} -> {target:,} cases in {time.monotonic() - t0:.1f} s; rows:")
        for table, count in gen.counts.items():
            print(f"  {table:<32} +{count:,}")
        t1 = time.monotonic()
        cur.execute("VACUUM (ANALYZE)")
        print(f"VACUUM ANALYZE {time.monotonic() - t1:.1f} s")
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size {cur.fetchone()[0]}")


BACKLOG_MIX = [("in_review", 64), ("escalated", 9), ("in_progress", 27)]  # the live mix's


def backlog_age(rng) -> float:
    """Seconds since a backlog case arrived: most within the day (3 to 22 hours: its events
    never lie in the future), a fifth older (mean 5 days more), so a third is overdue."""
    if rng.random() < 0.8:
        return rng.uniform(3 * 3600, 22 * 3600)
    return 22 * 3600 + rng.expovariate(1 / (5 * 86400))


def backlog(n: int, seed: int = 0):
    """Add n open cases in actionable states on top of the history: a real backlog."""
    setup_django()
    from django.db import connection

    t0 = time.monotonic()
    intents, users, model = fill_context()
    with connection.cursor() as django_cursor:
        cur = django_cursor.cursor
        check_schema(cur)
        ids = {}
        for table in COLUMNS:
            cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608
            ids[table] = cur.fetchone()[0]
        first_ids = dict(ids)
        big = int(meta_get(cur, "big_customer", 0))
        cur.execute("SELECT reference FROM cases_case WHERE id < %s", [ids["cases_case"]])
        taken = {r[0] for r in cur.fetchall()}
        if any(
            reference_for(pk) in taken for pk in range(ids["cases_case"], ids["cases_case"] + n)
        ):
            sys.exit("reference collision with existing cases")
        cur.execute("SET session_replication_role = replica")
        cur.execute("SET synchronous_commit = off")
        rng = random.Random(seed * 1_000_003 + ids["cases_case"])
        gen = Generator(ids, time.time(), intents, users, model, rng)  # ages from now
        mix = weighted(BACKLOG_MIX)
        done = 0
        while done < n:
            chunk = min(CHUNK, n - done)
            first = gen.customers(max(1, chunk // 3), time.time() - 30 * 86400)
            for _ in range(chunk):
                if big and rng.random() < 0.01:
                    cid = big + rng.randrange(BIG_CUSTOMERS)
                else:
                    cid = rng.randint(first, gen.ids["customers_customer"] - 1)
                state = gen.pick(mix)
                gen.case(0, cid, rng.choice(FIRST), state=state, age=backlog_age(rng))
            cur.execute("BEGIN")
            gen.flush(cur)
            meta_set(cur, "backlog", int(meta_get(cur, "backlog", 0)) + chunk)
            cur.execute("COMMIT")
            done += chunk
        end_copy(cur, first_ids)
        cur.execute("VACUUM (ANALYZE)")
        cur.execute(
            "SELECT state, count(*), count(*) FILTER (WHERE due_at < now()) FROM cases_case "
            "WHERE id >= %s GROUP BY state ORDER BY state",
            [first_ids["cases_case"]],
        )
        mix_text = ", ".join(f"{s} {c:,} ({o:,} overdue)" for s, c, o in cur.fetchall())
        print(f"backlog +{n:,} open cases in {time.monotonic() - t0:.1f} s: {mix_text}")


def end_copy(cur, first_ids) -> None:
    """After the raw COPYs: the id sequences past the new rows, the triggers back on, and the
    foreign keys of the new id range checked."""
    for table in COLUMNS:
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT max(id) FROM {table}))"
        )
    cur.execute("SET session_replication_role = origin")
    check_range(cur, first_ids)


def check_range(cur, first_ids):
    """Foreign keys of the rows just written (the triggers were off while copying)."""
    checks = {
        "case -> suggestion": (
            "SELECT count(*) FROM cases_case c WHERE c.id >= %s AND c.current_suggestion_id "
            "IS NOT NULL AND NOT EXISTS (SELECT 1 FROM review_suggestion s "
            "WHERE s.id = c.current_suggestion_id AND s.case_id = c.id)",
            first_ids["cases_case"],
        ),
        "case -> customer": (
            "SELECT count(*) FROM cases_case c WHERE c.id >= %s AND NOT EXISTS "
            "(SELECT 1 FROM customers_customer u WHERE u.id = c.customer_id)",
            first_ids["cases_case"],
        ),
        "message -> case": (
            "SELECT count(*) FROM cases_message m WHERE m.id >= %s AND NOT EXISTS "
            "(SELECT 1 FROM cases_case c WHERE c.id = m.case_id)",
            first_ids["cases_message"],
        ),
        "event -> case": (
            "SELECT count(*) FROM cases_caseevent e WHERE e.id >= %s AND NOT EXISTS "
            "(SELECT 1 FROM cases_case c WHERE c.id = e.case_id)",
            first_ids["cases_caseevent"],
        ),
        "review item -> case": (
            "SELECT count(*) FROM review_reviewitem r WHERE r.id >= %s AND NOT EXISTS "
            "(SELECT 1 FROM cases_case c WHERE c.id = r.case_id)",
            first_ids["review_reviewitem"],
        ),
        "suggestion -> message": (
            "SELECT count(*) FROM review_suggestion s WHERE s.id >= %s AND NOT EXISTS "
            "(SELECT 1 FROM cases_message m WHERE m.id = s.message_id AND m.case_id = s.case_id)",
            first_ids["review_suggestion"],
        ),
    }
    for name, (sql, first) in checks.items():
        cur.execute(sql, [first])
        bad = cur.fetchone()[0]
        if bad:
            sys.exit(f"integrity check {name}: {bad} rows point nowhere")
    print("integrity checks passed (" + ", ".join(checks) + ")")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare")
    g = sub.add_parser("grow")
    g.add_argument("cases", type=int)
    g.add_argument("--seed", type=int, default=0)
    b = sub.add_parser("backlog", help="add N open cases in actionable states")
    b.add_argument("cases", type=int)
    b.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare()
    elif args.command == "grow":
        grow(args.cases, args.seed)
    else:
        backlog(args.cases, args.seed)


if __name__ == "__main__":
    main()
