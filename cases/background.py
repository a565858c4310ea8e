"""Work handed to the django-q2 worker: tasks are named by their dotted path."""

from django_q.tasks import async_task


def enqueue(func: str, *args) -> None:
    """Queue `func(*args)` for the worker; call it after the commit that made the work.

    These are the jobs every message causes (its suggestion, its reply, its webhooks): a run
    that succeeds leaves no row in django-q2's task results (`save=False`), one that fails
    does, as before. Storing every success was a third of the worker's CPU per message
    (docs/performance.md, "Issue 16: intake"); nothing reads those rows.
    """
    async_task(func, *args, save=False)
