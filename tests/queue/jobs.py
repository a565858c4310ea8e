"""Tasks for the broker tests, run by a real qcluster: each run leaves a line in a file."""

import os
import time


def slow(path: str, seconds: float) -> None:
    with open(path, "a") as log:
        log.write(f"start {os.getpid()}\n")
    time.sleep(seconds)
    with open(path, "a") as log:
        log.write(f"end {os.getpid()}\n")


def succeed() -> str:
    return "done"


def fail() -> None:
    raise RuntimeError("broken on purpose")
