"""What tests that start real processes (qcluster, servers) share: a free port, the worker's
environment on the test database."""

import os
import socket

from django.db import connection


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_env(settings, **extra: str) -> dict:
    """The environment of a `manage.py qcluster` on the test database (PostgreSQL)."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backoffice.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        "SECRET_KEY": settings.SECRET_KEY,  # tasks are signed with it
        "DEBUG": "1",
        "Q_WORKERS": "1",
        **extra,
    }
