"""The files docs/deploy.md uses: gunicorn's config loads and names our app; the systemd units
start commands that exist, from the paths the guide installs to."""

import configparser
import runpy
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[1]
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))


def test_the_gunicorn_config_names_our_app_and_listens_on_loopback():
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["wsgi_app"] == "backoffice.wsgi:application"
    assert config["bind"] == "127.0.0.1:8000" and config["worker_class"] == "sync"
    assert config["workers"] >= 3


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_each_unit_runs_what_exists(unit):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(unit)
    service = parser["Service"]
    assert service["WorkingDirectory"] == "/srv/backoffice"
    assert service["EnvironmentFile"] == "/etc/backoffice/env"
    command = service["ExecStart"].split()
    assert command[0].startswith("/srv/backoffice/.venv/bin/")
    if "manage.py" in command:
        assert command[command.index("manage.py") + 1] in get_commands()
    else:
        assert command[1:] == ["-c", "deploy/gunicorn.conf.py"]
    assert parser["Install"]["WantedBy"] == "multi-user.target"


def test_the_guide_names_every_unit_and_the_steps_that_matter():
    guide = (ROOT / "docs" / "deploy.md").read_text()
    for unit in UNITS:
        assert unit.stem in guide
    for step in ("collectstatic", "migrate", "check --deploy", "pg_dump", "/healthz"):
        assert step in guide
