"""How the engine's ONNX sessions are built, and the memory they leave behind.

Measured in docs/engine.md, "Serving memory": every graph optimisation (constant folding
turns MiniLM's int8 weights, cast and scaled in the graph, into float32 once instead of on
every run: 4-7x slower without), no CPU memory arena, and glibc's free memory returned once a
session is built.

**Optimised once, on disk.** Folding MiniLM's weights while a session is built costs a
worker +216 MiB at its peak (the protobuf, the int8 weights and their float32 copies at
once). So the optimisation runs once per machine, in a child process (`optimised`): the
optimised graph is saved to the cache directory (`set_cache_dir`) with its weights in a
separate file, and workers load that graph with optimisations off. onnxruntime maps the
weight file into memory instead of copying it, and the same kernels run on the same
weights: the embeddings are bit-identical (docs/engine.md). When the cache cannot be used
(not writable, not ours, the child failed) the session is built in-process as before.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_CACHE_DIR: Path | None = Path(tempfile.gettempdir()) / f"backoffice-engine-{os.getuid()}"
WEIGHTS = "weights.bin"
GRAPH = "model.onnx"
DIGESTS = "sha256.json"
# The child: onnxruntime only (and the custom operators' library), no project code.
_OPTIMISE = """
import sys, onnxruntime as ort
source, target, weights, library = sys.argv[1:5]
options = ort.SessionOptions()
options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
options.intra_op_num_threads = 1
options.enable_cpu_mem_arena = False
options.log_severity_level = 3
options.optimized_model_filepath = target
prefix = "session.optimized_model_external_initializers_"
options.add_session_config_entry(prefix + "file_name", weights)
options.add_session_config_entry(prefix + "min_size_in_bytes", "1024")
if library:
    options.register_custom_ops_library(library)
ort.InferenceSession(source, sess_options=options, providers=["CPUExecutionProvider"])
"""


def set_cache_dir(path: str | Path | None) -> None:
    """Where optimised graphs are kept (`review.apps` sets ``ENGINE_CACHE_DIR``); None: no
    cache, every session optimises in-process."""
    global _CACHE_DIR
    _CACHE_DIR = None if path is None else Path(path)


def session_options(onnxruntime: Any, threads: int) -> Any:
    """`onnxruntime.SessionOptions` for one engine session on `threads` intra-op threads.

    No CPU memory arena: without it a batch's buffers go back to the allocator after the run
    instead of staying reserved.
    """
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = max(1, int(threads))
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_cpu_mem_arena = False
    return options


def open_session(
    onnxruntime: Any, source: Path, sha256: str, options: Any, library: str = ""
) -> Any:
    """An inference session for the verified ONNX file `source` (SHA-256 `sha256`): from its
    optimised copy in the cache with optimisations off, or built from `source` with `options`
    as they are. `library`: onnxruntime-extensions' custom operators, or empty."""
    if library:
        options.register_custom_ops_library(library)
    graph = optimised(onnxruntime, source, sha256, library)
    if graph is None:
        return onnxruntime.InferenceSession(
            str(source), sess_options=options, providers=["CPUExecutionProvider"]
        )
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return onnxruntime.InferenceSession(
        str(graph), sess_options=options, providers=["CPUExecutionProvider"]
    )


def cache_key(onnxruntime: Any, sha256: str, library: str) -> str:
    """What an optimised graph depends on: the source file, onnxruntime (and the custom
    operators' library), the processor it was optimised for."""
    extensions = _digest(Path(library)) if library else ""
    parts = [sha256, onnxruntime.__version__, platform.machine(), extensions]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:24]


def optimised(onnxruntime: Any, source: Path, sha256: str, library: str = "") -> Path | None:
    """The optimised graph of `source` in the cache, made by a child process if missing; its
    files are checked against the digests recorded when it was made. None when there is no
    usable cache."""
    root = _private_dir(_CACHE_DIR)
    if root is None:
        return None
    folder = root / cache_key(onnxruntime, sha256, library)
    if not (folder / DIGESTS).is_file():
        _make(source, folder, library)
    try:
        recorded = json.loads((folder / DIGESTS).read_text())
        if all(_digest(folder / name) == recorded[name] for name in (GRAPH, WEIGHTS)):
            return folder / GRAPH
    except (OSError, ValueError, KeyError):
        pass
    log.warning("optimised graph in %s is unusable; optimising in-process", folder)
    return None


def _make(source: Path, folder: Path, library: str) -> None:
    work = Path(tempfile.mkdtemp(prefix=".optimising-", dir=folder.parent))
    try:
        subprocess.run(  # noqa: S603 - our own interpreter, fixed code, no shell
            [sys.executable, "-c", _OPTIMISE, str(source), str(work / GRAPH), WEIGHTS, library],
            check=True,
            capture_output=True,
            timeout=600,
        )
        digests = {name: _digest(work / name) for name in (GRAPH, WEIGHTS)}
        (work / DIGESTS).write_text(json.dumps(digests))
        work.rename(folder)  # atomic; another process may have made it first
    except (OSError, subprocess.SubprocessError) as error:
        if not folder.is_dir():
            log.warning("could not optimise %s into %s: %s", source, folder, error)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _private_dir(path: Path | None) -> Path | None:
    """`path`, created if missing, when it is ours and nobody else can write to it."""
    if path is None:
        return None
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = path.stat()
    except OSError:
        return None
    if status.st_uid != os.getuid() or status.st_mode & 0o022:
        log.warning("engine cache %s is not private to this user; not using it", path)
        return None
    return path


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def release_freed_memory() -> None:
    """Return the memory that the C allocator holds free to the system (glibc's
    ``malloc_trim``; nothing elsewhere).

    Building MiniLM's session folds its int8 weights into float32 and frees the model's
    protobuf and the intermediate copies, about 65 MiB that glibc would otherwise keep
    resident in every worker (35 MiB for the multilingual model). The process's peak is
    unchanged: it is reached while the session is built.
    """
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)
