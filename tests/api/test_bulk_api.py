"""The API's bulk endpoint, merge and tags (docs/bulk.md): per-case results, refusals in the
API's error format, tags set and filtered, every endpoint in the schema."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from cases.models import Case, CaseEvent, State, Tag
from tests.factories import case_in

BULK = "/api/v1/cases/bulk/"


@pytest.fixture(autouse=True)
def no_throttle_history():
    cache.clear()
    yield
    cache.clear()


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_bulk_close_answers_200_with_a_result_per_case(agent):
    resolved, in_review = case_in(State.RESOLVED), case_in(State.IN_REVIEW)
    body = {
        "references": [resolved.reference, in_review.reference],
        "action": "close",
        "reason": "Answered by phone",
    }
    response = api(agent).post(BULK, body, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "total": 2,
        "done": 1,
        "results": [
            {
                "reference": resolved.reference,
                "ok": True,
                "status": 200,
                "message": "Done.",
                "state": "closed",
            },
            {
                "reference": in_review.reference,
                "ok": False,
                "status": 409,
                "message": "Cannot be closed while In review.",
                "state": "in_review",
            },
        ],
    }
    event = CaseEvent.objects.filter(case=resolved).last()
    assert (event.name, event.comment) == ("close", "Answered by phone")


def test_bulk_for_someone_who_may_not_work_cases_is_forbidden_per_case(integrator):
    case = case_in(State.RESOLVED)
    response = api(integrator).post(
        BULK, {"references": [case.reference], "action": "close", "reason": "x"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == 403


BAD = [
    ({"references": ["A"], "action": "delete"}, "action"),
    ({"references": [], "action": "close", "reason": "x"}, "references"),
    ({"references": "ABCD", "action": "close", "reason": "x"}, "references"),
    ({"references": ["A\x00"], "action": "close", "reason": "x"}, "references"),
    ({"references": ["A"], "action": "close", "reason": "x" * 2001}, "reason"),
    ({"references": ["A" * 21], "action": "close", "reason": "x"}, "references"),
]


@pytest.mark.parametrize(("body", "field"), BAD)
def test_a_bad_bulk_body_is_a_400_naming_the_field(agent, body, field):
    response = api(agent).post(BULK, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_bulk_close_without_reason_is_a_400(agent):
    case = case_in(State.RESOLVED)
    response = api(agent).post(
        BULK, {"references": [case.reference], "action": "close"}, format="json"
    )
    assert (response.status_code, response.json()["detail"]) == (400, "reason is required.")


def test_bulk_needs_authentication():
    assert api().post(BULK, {}, format="json").status_code in (401, 403)


# Merge.


@pytest.fixture
def pair(db):
    kept = case_in(State.IN_REVIEW)
    duplicate = case_in(State.IN_REVIEW)
    Case.objects.filter(pk=duplicate.pk).update(customer=kept.customer, duplicate_of=kept)
    return kept, duplicate


def test_merge_answers_with_the_closed_duplicate(agent, pair):
    kept, duplicate = pair
    before = api(agent).get(f"/api/v1/cases/{duplicate.reference}/").json()
    assert (before["duplicate_of"], before["merged_into"]) == (kept.reference, None)
    response = api(agent).post(
        f"/api/v1/cases/{duplicate.reference}/merge/",
        {"into": kept.reference, "comment": "Sent twice"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["merged_into"], body["messages"]) == ("closed", kept.reference, [])
    assert body["events"][-1]["transition"] == "merge"
    kept_body = api(agent).get(f"/api/v1/cases/{kept.reference}/").json()
    assert kept_body["events"][-1]["transition"] == "merged_from"
    assert len(kept_body["messages"]) == 2


MERGE_REFUSALS = [
    ("self", 400, "invalid"),
    ("ZZZZZZZZ", 400, "invalid"),
    ("closed", 409, "conflict"),
]


@pytest.mark.parametrize(("into", "status", "code"), MERGE_REFUSALS)
def test_a_merge_that_makes_no_sense_is_refused(agent, pair, into, status, code):
    kept, duplicate = pair
    if into == "self":
        into = duplicate.reference
    if into == "closed":
        Case.objects.filter(pk=kept.pk).update(state=State.CLOSED)
        into = kept.reference
    response = api(agent).post(
        f"/api/v1/cases/{duplicate.reference}/merge/", {"into": into}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_merge_of_an_unknown_case_is_a_404(agent):
    response = api(agent).post("/api/v1/cases/ZZZZZZZZ/merge/", {"into": "A"}, format="json")
    assert response.status_code == 404


def test_merge_without_into_is_a_400(agent, pair):
    _, duplicate = pair
    response = api(agent).post(f"/api/v1/cases/{duplicate.reference}/merge/", {}, format="json")
    assert response.status_code == 400 and "into" in response.json()["errors"]


# Tags.


@pytest.fixture
def tags(db):
    return Tag.objects.create(name="Billing"), Tag.objects.create(name="VIP", colour="#ff0000")


def test_the_tags_are_listed(agent, tags):
    assert api(agent).get("/api/v1/tags/").json() == [
        {"name": "Billing", "colour": ""},
        {"name": "VIP", "colour": "#ff0000"},
    ]


def test_the_tags_are_searched_by_name(agent, tags):
    assert [t["name"] for t in api(agent).get("/api/v1/tags/", {"q": "bill"}).json()] == ["Billing"]
    assert api(agent).get("/api/v1/tags/", {"q": "x" * 41}).status_code == 400


def test_tags_are_set_each_change_an_event(agent, tags):
    case = case_in(State.IN_REVIEW)
    url = f"/api/v1/cases/{case.reference}/tags/"
    response = api(agent).put(url, {"tags": ["billing", "vip"]}, format="json")
    assert response.json() == {"reference": case.reference, "tags": ["Billing", "VIP"]}
    response = api(agent).put(url, {"tags": ["VIP"]}, format="json")
    assert response.json()["tags"] == ["VIP"]
    assert list(CaseEvent.objects.filter(case=case).values_list("name", "data")) == [
        ("tagged", {"tag": "Billing"}),
        ("tagged", {"tag": "VIP"}),
        ("untagged", {"tag": "Billing"}),
    ]
    assert api(agent).get(url).json()["tags"] == ["VIP"]
    assert api(agent).get(f"/api/v1/cases/{case.reference}/").json()["tags"] == ["VIP"]


def test_an_unknown_tag_changes_nothing(agent, tags):
    case = case_in(State.IN_REVIEW)
    response = api(agent).put(
        f"/api/v1/cases/{case.reference}/tags/", {"tags": ["VIP", "nope"]}, format="json"
    )
    assert (response.status_code, response.json()["detail"]) == (400, "There is no tag 'nope'.")
    assert not case.tags.exists()


def test_the_case_list_filters_by_tag(agent, tags):
    tagged, _other = case_in(State.IN_REVIEW), case_in(State.IN_REVIEW)
    tags[0].cases.add(tagged)
    body = api(agent).get("/api/v1/cases/", {"tag": "BILLING"}).json()
    assert [c["reference"] for c in body["results"]] == [tagged.reference]


def test_the_bulk_tag_action(agent, tags):
    cases = [case_in(State.IN_REVIEW) for _ in range(3)]
    body = {"references": [c.reference for c in cases], "action": "tag", "tag": "vip"}
    assert api(agent).post(BULK, body, format="json").json()["done"] == 3
    assert tags[1].cases.count() == 3


def test_the_new_endpoints_are_in_the_schema(agent):
    schema = api(agent).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "post" in paths["/api/v1/cases/bulk/"]
    assert "post" in paths["/api/v1/cases/{reference}/merge/"]
    assert {"get", "put"} <= set(paths["/api/v1/cases/{reference}/tags/"])
    assert "get" in paths["/api/v1/tags/"]
