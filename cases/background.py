"""Work handed to the django-q2 worker: tasks are named by their dotted path."""

from django_q.tasks import async_task


def enqueue(func: str, *args) -> None:
    """Queue `func(*args)` for the worker; call it after the commit that made the work."""
    async_task(func, *args)
