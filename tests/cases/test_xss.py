"""Hostile text in every field a customer or the AI controls renders inert on every staff page."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils.html import escape

from cases.models import Case, Message, State
from review.models import ReviewItem
from tests.factories import CustomerFactory, case_in

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img onerror": "<img src=x onerror=alert(1)>",
    "attribute breakout": '"><svg onload=alert(1)>',
    "markdown link": "[x](javascript:alert(1))",
    "javascript href": '<a href="javascript:alert(1)">x</a>',
    "htmx attributes": '<div hx-get="/admin/" hx-trigger="load">x</div>',
    "template": "{{ 7*7 }}",
    "textarea breakout": "</textarea><script>alert(1)</script>",
}

HTMX = {"HTTP_HX_REQUEST": "true"}


def email_for(payload: str) -> str:
    """A quoted local part may hold almost anything; only quotes and backslashes can't."""
    if '"' in payload or "\\" in payload:
        return "plain@example.com"
    return f'"{payload}"@example.com'


def poison(case: Case, payload: str) -> None:
    case.messages.update(text=f"Hello\n{payload}\nBye", subject=payload)
    Message.objects.create(
        case=case, direction="in", author_kind="customer", subject=payload, text=payload
    )
    suggestion = case.current_suggestion
    suggestion.draft_reply = payload
    suggestion.options = [{"id": "a", "label": payload}, {"id": "b", "label": "Tuesday"}]
    suggestion.slots = {"order_number": payload, payload: "value"}
    suggestion.risk_flags = [payload]
    suggestion.alternatives = [[payload, 0.1]]
    suggestion.adjustment = {"tariff": payload}
    suggestion.save()
    Case.objects.filter(pk=case.pk).update(subject=payload)


@pytest.fixture(params=PAYLOADS.values(), ids=PAYLOADS.keys())
def poisoned(request, agent, supervisor):
    """Two cases of a hostile customer: one escalated with a hostile reason, one in progress."""
    payload = request.param
    customer = CustomerFactory(email=email_for(payload), name=payload)
    escalated = case_in(State.IN_REVIEW)
    in_progress = case_in(State.IN_PROGRESS)
    for case in (escalated, in_progress):
        Case.objects.filter(pk=case.pk).update(customer=customer)
        poison(case, payload)
    ReviewItem.objects.create(
        case=escalated, suggestion=escalated.current_suggestion, reason_codes=[payload]
    )
    ReviewItem.objects.create(
        case=in_progress, suggestion=in_progress.current_suggestion, reason_codes=[payload]
    )
    agent_client = Client()
    agent_client.force_login(agent)
    for case in (escalated, in_progress):
        url = f"/cases/{case.reference}/"
        agent_client.post(url + "note/", {"note": payload})
    response = agent_client.post(
        f"/cases/{escalated.reference}/do/escalate/",
        {"expected_state": "in_review", "reason": payload},
    )
    assert response.status_code == 302
    escalated.refresh_from_db()
    assert escalated.state == State.ESCALATED
    assert escalated.events.filter(name="escalate", comment=payload).exists()
    client = Client()
    client.force_login(supervisor)
    return {"payload": payload, "cases": (escalated, in_progress), "client": client}


def render(poisoned, page: str) -> str:
    client = poisoned["client"]
    escalated, in_progress = poisoned["cases"]
    if page == "queue":
        response = client.get("/")
    elif page == "queue list (htmx)":
        response = client.get("/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="case-list")
    elif page == "case page (escalated)":
        response = client.get(f"/cases/{escalated.reference}/?from=review")
    elif page == "case page (in progress)":
        response = client.get(f"/cases/{in_progress.reference}/")
    elif page == "case-main partial":
        response = client.post(
            f"/cases/{in_progress.reference}/note/", {"note": poisoned["payload"]}, **HTMX
        )
    elif page == "case-main partial with an error":
        response = client.post(f"/cases/{escalated.reference}/do/escalate/", {}, **HTMX)
    elif page == "review queue":
        response = client.get("/review/")
    assert response.status_code == 200
    return response.content.decode()


PAGES = [
    "queue",
    "queue list (htmx)",
    "case page (escalated)",
    "case page (in progress)",
    "case-main partial",
    "case-main partial with an error",
    "review queue",
]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Elements(HTMLParser):
    """Every start tag with its attributes, as a browser would see them outside raw text, and
    whether it sits inside an `hx-disable` element (where htmx ignores every hx-* attribute)."""

    def __init__(self, content: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.disabled: list[bool] = []
        self.stack: list[tuple[str, bool]] = []
        self.feed(content)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        inside = (self.stack[-1][1] if self.stack else False) or "hx-disable" in attrs
        self.elements.append((tag, attrs))
        self.disabled.append(inside)
        if tag not in VOID:
            self.stack.append((tag, inside))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def find(self, tag: str, css_class: str) -> list[bool]:
        """For each `tag.css_class`: is htmx disabled there?"""
        return [
            disabled
            for (name, attrs), disabled in zip(self.elements, self.disabled, strict=True)
            if name == tag and css_class in attrs.get("class", "").split()
        ]


def dangerous(content: str) -> list[str]:
    """What in the page could run script or fire a request on its own."""
    found = []
    for tag, attrs in Elements(content).elements:
        if tag == "script" and not attrs.get("src"):
            found.append("inline <script>")
        if tag in ("svg", "img", "iframe", "object", "embed"):
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                found.append(f"{tag} {name}=javascript:")
            if name.startswith(("hx-", "data-hx-")) and (
                "/admin/" in (value or "") or (name.endswith("trigger") and value == "load")
            ):
                found.append(f"{tag} {name}={value}")
    return found


@pytest.mark.parametrize("view", PAGES)
def test_hostile_text_is_escaped(poisoned, view):
    content = render(poisoned, view)
    payload = poisoned["payload"]
    assert "<script>alert(1)</script>" not in content
    assert dangerous(content) == []
    assert escape(payload) in content
    if "<script>" in payload:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


@pytest.mark.parametrize("view", ["case page (escalated)", "case page (in progress)"])
def test_the_escalation_reason_note_and_suggestion_are_shown_escaped(poisoned, view):
    content = render(poisoned, view)
    shown = escape(poisoned["payload"])
    # subject, customer name, message, note, draft reply, option label, slot, risk flag
    assert content.count(shown) >= 8


# Not named `page`: pytest-playwright would treat the test as a browser test.
@pytest.mark.parametrize("view", ["case page (escalated)", "case-main partial"])
def test_user_content_sits_in_hx_disable_containers_and_the_forms_outside(poisoned, view):
    page = Elements(render(poisoned, view))
    assert page.find("div", "suggestion") == [True]
    assert page.find("article", "message") and all(page.find("article", "message"))
    assert page.find("ol", "timeline") == [True]
    forms = [
        disabled
        for (tag, attrs), disabled in zip(page.elements, page.disabled, strict=True)
        if tag == "form" and "hx-post" in attrs
    ]
    assert forms and not any(forms), "an htmx form inside hx-disable would not work"


def test_the_customer_email_keeps_its_hostile_local_part_escaped(poisoned):
    content = render(poisoned, "case page (in progress)")
    email = Case.objects.select_related("customer").get(pk=poisoned["cases"][1].pk).customer.email
    assert f"&lt;{escape(email)}&gt;" in content


@pytest.mark.parametrize(
    "payload",
    [p for p in PAYLOADS.values() if "<" in p],
    ids=[k for k, p in PAYLOADS.items() if "<" in p],
)
def test_the_checker_would_see_each_html_payload_if_it_were_not_escaped(payload):
    assert dangerous(f"<p>{payload}</p>") != []
    assert dangerous(f"<p>{escape(payload)}</p>") == []
