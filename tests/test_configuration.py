"""Configuration on a fresh clone: the settings read a `.env` file (the environment wins), and
every management command that meets missing configuration says so in one line, never with a
traceback (issue 17)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from backoffice.env import read_env_file

ROOT = Path(__file__).resolve().parents[1]
SECRET_MISSING = (
    "SECRET_KEY must be set when DEBUG is off (in the environment or in .env; `make demo` "
    "writes a .env for development, .env.example lists every setting)"
)


def manage(*args: str, env: dict, stdin: bytes = b"") -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    environment |= {"DJANGO_SETTINGS_MODULE": "backoffice.settings", "ENV_FILE": "", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        input=stdin,
        capture_output=True,
        timeout=120,
    )


def test_the_env_file_fills_what_the_environment_does_not_set(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# a comment\n\nFH_A=from-file\nexport FH_B='quoted value'\nFH_C=\"x=1\"\nFH_D=file\n"
    )
    monkeypatch.setenv("ENV_FILE", str(env_file))
    monkeypatch.setenv("FH_D", "from-environment")
    for name in ("FH_A", "FH_B", "FH_C"):
        monkeypatch.delenv(name, raising=False)
    try:
        assert read_env_file(tmp_path / "unused") == env_file
        assert [os.environ[n] for n in ("FH_A", "FH_B", "FH_C", "FH_D")] == [
            "from-file",
            "quoted value",
            "x=1",
            "from-environment",
        ]
    finally:
        for name in ("FH_A", "FH_B", "FH_C"):
            os.environ.pop(name, None)


def test_a_line_that_is_no_setting_names_its_number(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("DEBUG=1\nthis is not a setting\n")
    monkeypatch.setenv("ENV_FILE", str(tmp_path / ".env"))
    with pytest.raises(ImproperlyConfigured, match=r"^\.env line 2: expected NAME=value$"):
        read_env_file(tmp_path / ".env")


def test_a_named_env_file_that_is_missing_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ENV_FILE", str(tmp_path / "nope.env"))
    with pytest.raises(ImproperlyConfigured, match="no such file"):
        read_env_file(tmp_path / ".env")


def test_without_a_file_nothing_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv("ENV_FILE", raising=False)
    assert read_env_file(tmp_path / ".env") is None


@pytest.mark.parametrize("command", ["evaluate_engine", "seed_demo", "check", "train_engine"])
def test_a_command_without_a_secret_key_says_so_in_one_line(command):
    done = manage(command, env={"DEBUG": "0"})
    assert done.returncode == 78
    assert done.stderr.decode() == f"manage.py {command}: configuration error: {SECRET_MISSING}\n"
    assert done.stdout == b""


def test_ingest_email_without_a_secret_key_leaves_the_mail_at_the_mta():
    done = manage("ingest_email", env={"DEBUG": "0"}, stdin=b"Subject: hi\n\nhello\n")
    assert done.returncode == 75
    assert done.stderr.decode() == (
        f"ingest_email: not stored, the MTA will retry: configuration error: {SECRET_MISSING}\n"
    )


def test_a_bad_value_is_one_line_too():
    done = manage("check", env={"DEBUG": "1", "Q_WORKERS": "many"})
    assert done.returncode == 78
    assert done.stderr.decode() == (
        "manage.py check: configuration error: Q_WORKERS='many' is not an integer\n"
    )


def test_the_settings_come_from_the_env_file(tmp_path):
    """What `make demo` writes is what `manage.py` then runs with: no SECRET_KEY in the shell."""
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=0\nSECRET_KEY=" + "k" * 50 + "\nPORT=8841\nALLOWED_HOSTS=x\n")
    code = "from django.conf import settings as s; print(s.SITE_URL, s.DEBUG, len(s.SECRET_KEY))"
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    environment |= {"DJANGO_SETTINGS_MODULE": "backoffice.settings", "ENV_FILE": str(env_file)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    # SITE_URL unset: derived from PORT, so customer links point at the demo's port.
    assert done.stdout.split() == ["http://localhost:8841", "False", "50"]


def test_a_database_that_is_not_migrated_is_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    done = manage("seed_demo", env={"DEBUG": "1", "DATABASE_URL": url})
    assert done.returncode == 1
    assert done.stderr.decode() == (
        "manage.py seed_demo: database error: OperationalError: no such table: auth_group "
        "(is the database up, and migrated? `.venv/bin/python manage.py migrate`)\n"
    )


def test_the_wrong_python_is_told_to_use_the_projects_environment(tmp_path):
    done = subprocess.run(
        ["/usr/bin/python3", "-I", "manage.py", "check"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode == 0:  # a system-wide Django answered instead
        pytest.skip("the system Python has Django")
    assert done.returncode == 78
    assert done.stderr.startswith("manage.py check: django is not installed for /usr/bin/python3")
    assert done.stderr.endswith("run `make venv`, then `.venv/bin/python manage.py …`\n")


@pytest.mark.parametrize(
    "form", [["--settings=backoffice.settings_test"], ["--settings", "backoffice.settings_test"]]
)
def test_the_settings_option_is_honoured_before_the_check(form):
    done = manage("check", *form, env={"DEBUG": "0"})
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode() == "System check identified no issues (0 silenced).\n"
