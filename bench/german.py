"""German beside English (issue 15): the hybrid engine's embedding models compared.

Run from the project root::

    .venv/bin/python bench/german.py [--emails /work/shared/datasets/emails]

Three figures, printed as JSON lines; nothing is asserted (a benchmark, not a test):

* ``demo``: the demo intents (``review/fixtures/demo/intents.json``; the same examples in
  English and German) with each embedding model: accuracy per language from 4-fold
  cross-validation on both languages, and accuracy on German when trained on English alone.
  These texts were written for the project: a sanity check, not evidence about real mail.
* ``serving``: peak memory of a fresh process that sets up Django, loads a hybrid model
  trained on the demo intents and answers one message, per embedding model.
* ``emails``: the language detector on the real mails of ``/work/shared/datasets/emails``
  (read from there, never copied), against the language of each sender's own words as read by
  a person (``LANGUAGE_OF`` below; mails without German or English words are left out).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from review.demo import demo_intents  # noqa: E402
from review.engine.embeddings import EMBEDDINGS  # noqa: E402
from review.engine.intent_classifier import IntentClassifier  # noqa: E402
from review.engine.language import detect_language  # noqa: E402

# The language of the sender's own words, read by a person, for the mails that have some.
LANGUAGE_OF = {
    "msg_02.txt": "en",
    "msg_10.txt": "en",
    "msg_15.txt": "en",
    "msg_16.txt": "en",
    "msg_35.txt": "en",
    "msg_48.txt": "en",
    "mail001.box": "de",
    "mail003.box": "de",
    "mail005.box": "de",
    "mail007.box": "de",
    "mail013.box": "de",
    "mail026.box": "de",
    "mail029.box": "en",
    "mail033-undelivered-mail-returned-to-sender-notification.box": "en",
    "mail037.box": "de",
    "mail046.box": "de",
    "mail055.box": "en",
    "mail078.box": "de",
    "mail078-content_transfer_encoding_x_uuencode.box": "en",
    "mail079.box": "en",
    "mail085.box": "de",
    "mail087.box": "de",
    "mail092.box": "en",
    "mail094.box": "de",
    "mail110.box": "en",
    "mail111.box": "en",
    "mail112.box": "en",
}

SERVE = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
import django
django.setup()
from review.engine.intent_classifier import IntentClassifier
model = IntentClassifier.from_bytes(open(sys.argv[1], "rb").read())
model.predict_one("Wo ist meine Bestellung 4711? The tracking says nothing.")
# VmHWM, not ru_maxrss: the latter counts the forked parent's pages from before exec.
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
print(int(status["VmHWM"].split()[0]) * 1024)
"""


def demo_rows() -> list[tuple[str, str, str]]:
    """(text, intent, language) of every demo example."""
    return [
        (text, intent["slug"], language)
        for intent in demo_intents()
        for language, texts in intent["examples"].items()
        for text in texts
    ]


def fit(texts, labels, embeddings: str) -> IntentClassifier:
    return IntentClassifier.fit(
        texts, labels, engine="hybrid", embeddings=embeddings, seed=0, folds=3
    )


def demo_figures(embeddings: str) -> dict:
    rows = demo_rows()
    texts = [r[0] for r in rows]
    labels = np.array([r[1] for r in rows])
    languages = np.array([r[2] for r in rows])
    strata = [f"{label}:{language}" for label, language in zip(labels, languages, strict=True)]
    correct = np.zeros(len(rows), dtype=bool)
    folds = StratifiedKFold(n_splits=4, shuffle=True, random_state=0)
    for train, test in folds.split(texts, strata):
        model = fit([texts[i] for i in train], labels[train], embeddings)
        predicted = [p.intent for p in model.predict([texts[i] for i in test])]
        correct[test] = np.array(predicted) == labels[test]
    english = languages == "en"
    model = fit([t for t, e in zip(texts, english, strict=True) if e], labels[english], embeddings)
    german = [t for t, e in zip(texts, english, strict=True) if not e]
    transfer = np.array([p.intent for p in model.predict(german)]) == labels[~english]
    return {
        "figure": "demo",
        "embeddings": embeddings,
        "n": len(rows),
        "accuracy_en": round(float(correct[english].mean()), 4),
        "accuracy_de": round(float(correct[~english].mean()), 4),
        "accuracy_de_trained_on_en_only": round(float(transfer.mean()), 4),
    }


def serving_figures(embeddings: str) -> dict:
    rows = demo_rows()
    model = fit([r[0] for r in rows], [r[1] for r in rows], embeddings)
    with tempfile.NamedTemporaryFile(suffix=".bin") as blob:
        blob.write(model.to_bytes())
        blob.flush()
        env = {**os.environ, "DEBUG": "1"}
        out = subprocess.run(  # noqa: S603 (our own script, our own interpreter)
            [sys.executable, "-c", SERVE, blob.name],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        )
    peak = int(out.stdout.strip().splitlines()[-1])
    return {"figure": "serving", "embeddings": embeddings, "peak_rss_mib": round(peak / 2**20)}


def email_figures(folder: Path) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings_test")
    import django

    django.setup()
    from cases.mail.parse import email_parse

    right = 0
    wrong = []
    for name, language in LANGUAGE_OF.items():
        path = next(folder.glob(f"*/{name}"))
        parsed = email_parse(path.read_bytes())
        text = parsed.engine_text or parsed.text
        found = detect_language(text, default=detect_language(parsed.subject))
        right += found == language
        if found != language:
            wrong.append(name)
    return {"figure": "emails", "n": len(LANGUAGE_OF), "correct": right, "wrong": wrong}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=Path, default=Path("/work/shared/datasets/emails"))
    parser.add_argument("--embeddings", nargs="*", default=list(EMBEDDINGS))
    args = parser.parse_args()
    if args.emails.is_dir():
        print(json.dumps(email_figures(args.emails)), flush=True)
    for embeddings in args.embeddings:
        print(json.dumps(demo_figures(embeddings)), flush=True)
        print(json.dumps(serving_figures(embeddings)), flush=True)


if __name__ == "__main__":
    main()
