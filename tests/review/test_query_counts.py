"""Intake and the suggestion job need a fixed number of queries, however many cases there are.

Issue 16 (docs/performance.md, "Issue 16: intake"): both run for every message, so a query
more is felt at 50 messages a second; the counts are pinned, and equal before and after more
cases exist.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.intake import message_receive
from review.suggest import suggestion_create
from tests.review.test_suggest import trained  # noqa: F401 - the fixture

INTAKE_QUERIES = 15
SUGGESTION_QUERIES = 16


def counted(call) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return result, len(queries)


def one_message(number: int) -> tuple[int, int]:
    """(queries of the intake, queries of its suggestion and routing) for a new case."""
    intake, intake_queries = counted(
        lambda: message_receive(
            from_email=f"customer{number}@example.com",
            subject="Order",
            body=f"Where is my order {123456 + number}?",
            external_id=f"counted-{number}",
        )
    )
    suggestion, suggestion_queries = counted(lambda: suggestion_create(case_id=intake.case.pk))
    assert suggestion is not None
    return intake_queries, suggestion_queries


def test_intake_and_suggestion_need_the_same_queries_for_the_second_and_the_tenth_case(trained):  # noqa: F811
    one_message(0)  # the process loads the model once (2 queries more), as a worker does
    second = one_message(1)
    for number in range(2, 9):
        one_message(number)
    assert one_message(9) == second == (INTAKE_QUERIES, SUGGESTION_QUERIES)
