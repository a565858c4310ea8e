"""Production settings: `check --deploy` passes, and a missing secret stops the start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py with only the environment given (plus PATH and the current DATABASE_URL).

    The test process's own environment is not inherited: settings_test puts a SECRET_KEY there.
    """
    # No .env either: a developer's (`make demo` writes one) would supply the missing key.
    environment = {"PATH": os.environ.get("PATH", ""), "ENV_FILE": "", **env}
    if os.environ.get("DATABASE_URL"):
        environment["DATABASE_URL"] = os.environ["DATABASE_URL"]
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "backoffice.example.com",
    "SECURE_HSTS_PRELOAD": "1",
    "DJANGO_SETTINGS_MODULE": "backoffice.settings",
}


def test_check_deploy_passes_with_production_settings():
    secret_key = secrets.token_urlsafe(45)
    assert len(secret_key) == 60
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, SECRET_KEY=secret_key
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_secret_key_production_settings_refuse_to_load():
    result = manage("check", **PRODUCTION)
    assert result.returncode != 0
    # One line that names the setting, no traceback (issue 17).
    assert result.stderr.startswith(
        "manage.py check: configuration error: SECRET_KEY must be set when DEBUG is off"
    )
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
