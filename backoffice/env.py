"""Reading the configuration: a `.env` file, and typed helpers over environment variables.

`backoffice/settings.py` calls `read_env_file` first, so that `manage.py`, the worker and the
web server of a checkout all see the same values (`make demo` writes that file). A variable
set in the environment wins over the file: a service manager or a test says what it means.
`ENV_FILE` names another file; set empty, no file is read (the tests set it so, so that a
developer's `.env` does not leak into them).
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def read_env_file(default: Path) -> Path | None:
    """Put the file's `NAME=value` lines into os.environ where the name is not set yet.

    Blank lines and `#` comments are skipped, `export ` in front is allowed, and a value in
    matching single or double quotes loses them. Anything else is a configuration error that
    names the line. Return the file read, or None.
    """
    chosen = os.environ.get("ENV_FILE")
    path = default if chosen is None else (Path(chosen) if chosen else None)
    if path is None or not path.is_file():
        if chosen:  # named on purpose: a missing file is a mistake, not a default
            raise ImproperlyConfigured(f"ENV_FILE={chosen!r}: no such file")
        return None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.removeprefix("export ").partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not name.isidentifier():
            raise ImproperlyConfigured(f"{path.name} line {number}: expected NAME=value")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(name, value)
    return path


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


def database_from_url(url: str, base_dir: Path) -> dict:
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
        return sqlite_database(unquote(parts.path[1:]) or str(base_dir / "db.sqlite3"))
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
