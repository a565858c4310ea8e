"""Optional draft replies from an OpenAI-compatible chat endpoint (Ollama, vLLM, hosted).

Off unless `LLM_BASE_URL` is set. Only drafts: routing never depends on it. Called from the
suggestion job, never in a web request; on any error or timeout the template draft stands.
"""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

logger = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You write short, friendly, factual replies for a customer-service team. Answer in the "
    "customer's language ({language}). Keep the facts of the template draft; do not promise "
    "anything it does not promise; no placeholders; no signature beyond the draft's."
)


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str
    api_key: str = ""
    timeout: float = 10.0
    max_tokens: int = 400

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.model)


def chat_draft(config: LLMConfig, *, message: str, template_draft: str, language: str) -> str:
    """Return the endpoint's draft, or the template draft if it is off, slow or wrong."""
    if not config.enabled:
        return template_draft
    body = {
        "model": config.model,
        "temperature": 0.2,
        "max_tokens": config.max_tokens,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT.format(language=language)},
            {
                "role": "user",
                "content": f"Customer message:\n{message[:4000]}\n\nTemplate draft:\n"
                f"{template_draft}\n\nWrite the reply.",
            },
        ],
    }
    request = urllib.request.Request(  # noqa: S310 - the operator configures the URL
        config.base_url.rstrip("/") + "/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}),
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:  # noqa: S310
            payload = json.loads(response.read(1_000_000))
        text = payload["choices"][0]["message"]["content"].strip()
    except (OSError, urllib.error.URLError, ValueError, KeyError, IndexError, TypeError) as error:
        logger.warning("LLM draft failed, using the template: %s", error)
        return template_draft
    if not text or len(text) > 8000:
        return template_draft
    return text
