"""How the engine's ONNX sessions are built, and the memory they leave behind.

Measured in docs/engine.md, "Serving memory": every graph optimisation (constant folding
turns MiniLM's int8 weights, cast and scaled in the graph, into float32 once instead of on
every run: 4-7x slower without), no CPU memory arena, and glibc's free memory returned once a
session is built.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Any


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
