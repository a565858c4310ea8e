"""Production as docs/deploy.md runs it: DEBUG off, `check --deploy`, `collectstatic`, gunicorn
with deploy/gunicorn.conf.py and the real worker, behind a (simulated) TLS proxy. A supervisor
logs in over HTTP, takes a case over and replies; the worker sends the reply."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from cases.models import Message, State
from tests.factories import UserFactory, case_in

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("postgres"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def production(tmp_path):
    """The environment file of docs/deploy.md, pointed at this test's database."""
    db = connection.settings_dict
    port = free_port()
    origin = f"https://127.0.0.1:{port}"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "backoffice.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": origin,
        "SITE_URL": origin,
        "SECURE_PROXY_SSL_HEADER_NAME": "HTTP_X_FORWARDED_PROTO",
        "SECURE_HSTS_PRELOAD": "1",  # as tests/test_deploy.py: no warning left
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "Q_WORKERS": "1",
    }
    return env, port


def run(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


class Browser:
    """HTTP as the proxy forwards it: X-Forwarded-Proto https, cookies kept by hand (they are
    Secure, which a plain-HTTP client would otherwise drop)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None, proxied=True, referer=""):
        connection = HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if proxied:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = referer or f"https://127.0.0.1:{self.port}{path}"
            body = urlencode(body)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response, response.read().decode("utf-8", "replace")

    def csrf(self, html: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def wait_for(check, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


def test_production_serves_a_login_and_a_transition_behind_the_proxy(production):
    env, port = production
    checked = run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    collected = run(env, "collectstatic", "--noinput")
    assert collected.returncode == 0, collected.stderr
    # (migrate creates the cache table in production; this database was migrated with the
    # test settings' memory cache)
    assert run(env, "createcachetable").returncode == 0

    sara = UserFactory(username="sara", first_name="Sara", role="supervisor")
    sara.password = PBKDF2PasswordHasher().encode("a long pass phrase", "smoketestsalt")
    sara.save(update_fields=["password"])
    case = case_in(State.IN_REVIEW)

    web = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        browser = Browser(port)
        assert wait_for(lambda: _answers(port)), "gunicorn did not start"
        response, _ = browser.request("GET", "/healthz", proxied=False)
        assert response.status == 200  # a plain-HTTP probe on loopback
        response, _ = browser.request("GET", "/accounts/login/", proxied=False)
        assert response.status == 301 and response.getheader("Location").startswith("https://")

        response, html = browser.request("GET", "/accounts/login/")
        assert response.status == 200
        assert "max-age=31536000" in response.getheader("Strict-Transport-Security")
        assert "default-src 'self'" in response.getheader("Content-Security-Policy")
        stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]+\.css)"', html).group(1)
        assert browser.request("GET", stylesheet)[0].status == 200  # whitenoise, hashed

        login = {
            "username": "sara",
            "password": "a long pass phrase",
            "csrfmiddlewaretoken": browser.csrf(html),
        }
        response, _ = browser.request("POST", "/accounts/login/", login)
        assert response.status == 302, response.status
        response, html = browser.request("GET", f"/cases/{case.reference}/")
        assert response.status == 200 and case.reference in html

        def act(name, **data):
            payload = {"csrfmiddlewaretoken": browser.csrf(html), **data}
            return browser.request("POST", f"/cases/{case.reference}/do/{name}/", payload)[0]

        assert act("take_over", expected_state="in_review").status == 302
        response, html = browser.request("GET", f"/cases/{case.reference}/")
        assert act("reply", expected_state="in_progress", text="Fixed, thank you.").status == 302
        case.refresh_from_db()
        assert case.state == State.RESOLVED
        reply = Message.objects.get(case=case, direction="out")
        assert wait_for(lambda: Message.objects.filter(pk=reply.pk, sent_at__isnull=False).exists())
    finally:
        for process in (worker, web):
            process.terminate()
        for process in (worker, web):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False
