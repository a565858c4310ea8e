"""What production settings choose from the environment (each case in a fresh interpreter)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def production_settings(**env) -> dict:
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'cache': s.CACHES['default']}))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backoffice.settings",
        "SECRET_KEY": "x" * 50,
        "DEBUG": "0",
        **env,
    }
    environment.pop("REDIS_URL", None) if "REDIS_URL" not in env else None
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("env", "backend", "location"),
    [
        ({}, "django.core.cache.backends.db.DatabaseCache", "cache"),
        (
            {"REDIS_URL": "redis://127.0.0.1:6379/3"},
            "backoffice.cache.SharedRedisCache",  # Django's, one client per pool
            "redis://127.0.0.1:6379/3",
        ),
    ],
    ids=["database", "redis"],
)
def test_the_cache_is_shared_never_a_processs_memory(env, backend, location):
    cache = production_settings(**env)["cache"]
    assert (cache["BACKEND"], cache["LOCATION"]) == (backend, location)


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_the_database_caches_table(settings):
    """`migrate` is all a deployment runs: the migration creates the production cache's table."""
    import importlib

    from django.core.cache import caches
    from django.db import connection

    migration = importlib.import_module("cases.migrations.0018_cache_table")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache"}
    }
    try:
        with connection.schema_editor() as editor:
            migration.forwards(None, editor)
        assert "cache" in connection.introspection.table_names()
        caches["default"].set("k", "v")
        assert caches["default"].get("k") == "v"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS cache")


def test_a_named_cluster_starts_with_the_common_settings():
    """Q_CLUSTER_NAME (django-q2's way to tell clusters apart) no longer fails at start."""
    code = (
        "import django; django.setup(); from django_q.conf import Conf; "
        "print(Conf.CLUSTER_NAME, Conf.WORKERS)"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backoffice.settings",
        "SECRET_KEY": "x" * 50,
        "DEBUG": "0",
        "Q_CLUSTER_NAME": "node-b",
        "Q_WORKERS": "3",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["node-b", "3"]


def broker_of(**env) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django_q.brokers import get_broker; "
        "print(type(get_broker()).__name__)"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backoffice.settings",
        "SECRET_KEY": "x" * 50,
        "DEBUG": "0",
        **env,
    }
    environment.pop("REDIS_URL", None) if "REDIS_URL" not in env else None
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("env", "broker"),
    [
        ({}, "LeasedORM"),
        ({"Q_BROKER": "redis", "REDIS_URL": "redis://127.0.0.1:6379/4"}, "Redis"),
    ],
    ids=["orm", "redis"],
)
def test_the_broker_is_chosen_by_configuration(env, broker):
    done = broker_of(**env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == broker


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"Q_BROKER": "redis"}, "Q_BROKER=redis needs REDIS_URL"),
        ({"Q_BROKER": "rabbit"}, 'Q_BROKER must be "orm" or "redis"'),
        ({"Q_LEASE": "2"}, "Q_LEASE must be at least 3 seconds, Q_TIMEOUT at least 1"),
    ],
)
def test_a_broker_that_cannot_work_stops_the_start(env, message):
    done = broker_of(**env)
    assert done.returncode != 0 and message in done.stderr
