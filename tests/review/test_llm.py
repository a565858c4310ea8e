"""The optional LLM drafter against a small local fake of an OpenAI-compatible server."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from review.engine.llm import LLMConfig, chat_draft


class FakeChat(BaseHTTPRequestHandler):
    behaviour = "ok"
    seen: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeChat.seen.append((self.path, self.headers.get("Authorization"), body))
        if self.behaviour == "slow":
            time.sleep(1.0)
            return  # the client gave up: answering would only hit a closed socket
        if self.behaviour == "error":
            self.send_response(500)
            self.end_headers()
            return
        reply = {"choices": [{"message": {"content": "  Hello Ada, your parcel arrives Friday. "}}]}
        if self.behaviour == "garbage":
            reply = {"nothing": True}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    FakeChat.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeChat)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def draft(config):
    return chat_draft(
        config, message="Where is my parcel?", template_draft="TEMPLATE", language="en"
    )


def test_the_endpoint_drafts_the_reply(server):
    FakeChat.behaviour = "ok"
    text = draft(LLMConfig(base_url=server, model="tiny", api_key="k"))
    assert text == "Hello Ada, your parcel arrives Friday."
    path, auth, body = FakeChat.seen[0]
    assert path == "/v1/chat/completions" and auth == "Bearer k"
    assert body["model"] == "tiny" and "TEMPLATE" in body["messages"][1]["content"]


@pytest.mark.parametrize("behaviour", ["error", "garbage", "slow"])
def test_a_failing_or_slow_endpoint_falls_back_to_the_template(server, behaviour):
    FakeChat.behaviour = behaviour
    assert draft(LLMConfig(base_url=server, model="tiny", timeout=0.3)) == "TEMPLATE"


def test_it_is_off_without_a_base_url():
    assert draft(LLMConfig(base_url="", model="")) == "TEMPLATE"


def test_an_unreachable_endpoint_falls_back_to_the_template():
    assert draft(LLMConfig(base_url="http://127.0.0.1:9", model="tiny", timeout=0.5)) == "TEMPLATE"


def test_the_suggestion_job_uses_the_endpoint_for_drafts_when_configured(server, settings):
    from review.suggest import draft_reply

    FakeChat.behaviour = "ok"
    settings.LLM_BASE_URL, settings.LLM_MODEL = server, "tiny"
    assert draft_reply("Where?", "TEMPLATE", "en") == "Hello Ada, your parcel arrives Friday."
    settings.LLM_BASE_URL = ""
    assert draft_reply("Where?", "TEMPLATE", "en") == "TEMPLATE"
