"""Reading the environment for the settings: typed values with clear errors, and databases."""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false)")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None


def envfloat(name: str, default: float, *, low: float, high: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number") from None
    if not low <= number <= high:
        raise ImproperlyConfigured(f"{name}={value!r} must be between {low} and {high}")
    return number


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Parse postgres:// and sqlite:// URLs; anything else is a configuration error."""
    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "backoffice",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            # No JIT: the search's estimates (cases.search) cross jit_above_cost, and compiling
            # cost 100 ms per query for work that takes 5 ms (bench/search.py). Short OLTP
            # queries never gain from it. work_mem: a common word's bitmap of matching messages
            # outgrew PostgreSQL's default 4 MB and turned lossy (17 s instead of 1 s at 1M).
            "OPTIONS": {"options": f"-c jit=off -c work_mem={envint('DB_WORK_MEM_MB', 16)}MB"},
        }
    if parts.scheme == "sqlite":
        return sqlite_database(unquote(parts.path[1:]) or str(BASE_DIR / "db.sqlite3"))
    raise ImproperlyConfigured(f"DATABASE_URL: unsupported scheme {parts.scheme!r}")


def sqlite_database(name: str) -> dict:
    # WAL and IMMEDIATE transactions let the web server and the worker share the file without
    # "database is locked" errors: writers queue on BEGIN instead of failing mid-transaction.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
