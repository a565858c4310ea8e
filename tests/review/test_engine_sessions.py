"""The hybrid engine's ONNX sessions: graphs optimised once per machine, in a child process,
and loaded from the cache with the same embeddings, bit for bit (issue 15)."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from review.engine import embeddings, sessions
from review.engine.embeddings import (
    MODEL_FILE,
    MULTILINGUAL_FILE,
    SentenceEmbedder,
    locate,
    unavailable_reason,
)

TEXTS = [
    "Where is my parcel? It has not arrived",
    "I want to cancel my card, it was stolen yesterday",
    "Ich will meinen Vertrag kündigen",
    "x " * 300,  # longer than MiniLM's 256 tokens
    "?",
]
UNAVAILABLE = unavailable_reason()
needs_hybrid = pytest.mark.skipif(UNAVAILABLE is not None, reason=f"{UNAVAILABLE}")
MULTILINGUAL_UNAVAILABLE = unavailable_reason("multilingual")
needs_multilingual = pytest.mark.skipif(
    MULTILINGUAL_UNAVAILABLE is not None, reason=f"{MULTILINGUAL_UNAVAILABLE}"
)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache of this test's own; the default is put back afterwards."""
    monkeypatch.setattr(sessions, "_CACHE_DIR", sessions._CACHE_DIR)
    folder = tmp_path / "cache"
    sessions.set_cache_dir(folder)
    return folder


def embed_without_cache(monkeypatch, embedder: SentenceEmbedder) -> np.ndarray:
    with monkeypatch.context() as patch:
        patch.setattr(sessions, "_CACHE_DIR", None)
        return embedder.embed(TEXTS)


@needs_hybrid
def test_minilm_s_optimised_graph_is_made_once_and_embeds_bit_for_bit_the_same(
    cache, monkeypatch
) -> None:
    import onnxruntime

    poolings = ("mean", "cls", "max")
    built_here = embed_without_cache(monkeypatch, SentenceEmbedder(poolings=poolings))
    cached = SentenceEmbedder(poolings=poolings, threads=2)
    assert np.array_equal(cached.embed(TEXTS), built_here)
    # One graph in the cache, its weights in a file of their own, the digests recorded.
    (folder,) = cache.iterdir()
    assert sorted(p.name for p in folder.iterdir()) == ["model.onnx", "sha256.json", "weights.bin"]
    assert (folder / "weights.bin").stat().st_size > 80_000_000  # the float32 weights
    assert (folder / "model.onnx").stat().st_size < 1_000_000
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    # Loaded with optimisations off (they are in the graph), no arena, the threads asked for.
    session, _ = cached._load()["minilm"]
    options = session.get_session_options()
    assert options.graph_optimization_level == onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    assert options.enable_cpu_mem_arena is False
    assert (options.intra_op_num_threads, options.inter_op_num_threads) == (2, 1)
    # A second embedder (another worker) uses the same files, and embeds the same.
    modified = (folder / "weights.bin").stat().st_mtime_ns
    assert np.array_equal(SentenceEmbedder(poolings=poolings).embed(TEXTS), built_here)
    assert [p.name for p in cache.iterdir()] == [folder.name]
    assert (folder / "weights.bin").stat().st_mtime_ns == modified


@needs_multilingual
def test_the_multilingual_graph_with_its_tokenizer_embeds_the_same_from_the_cache(
    cache, monkeypatch
) -> None:
    built_here = embed_without_cache(monkeypatch, SentenceEmbedder(model="multilingual"))
    assert np.array_equal(SentenceEmbedder(model="multilingual").embed(TEXTS), built_here)
    assert len(list(cache.iterdir())) == 1


@needs_hybrid
def test_a_changed_weight_file_is_not_used(cache, monkeypatch, caplog) -> None:
    import onnxruntime

    source = locate(MODEL_FILE)
    graph = sessions.optimised(onnxruntime, source, MODEL_FILE.sha256)
    assert graph is not None and graph.parent.parent == cache
    weights = graph.parent / "weights.bin"
    data = bytearray(weights.read_bytes())
    data[1000] ^= 0xFF
    weights.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="review.engine.sessions"):
        assert sessions.optimised(onnxruntime, source, MODEL_FILE.sha256) is None
    assert "unusable; optimising in-process" in caplog.text
    # The embedder then builds its session in-process, as before the cache existed.
    released = []
    monkeypatch.setattr(embeddings, "release_freed_memory", lambda: released.append(True))
    embedder = SentenceEmbedder()
    embedder.embed(TEXTS[:1])
    session, _ = embedder._load()["minilm"]
    level = session.get_session_options().graph_optimization_level
    assert level == onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    assert released == [True]


def test_a_cache_others_can_write_to_is_not_used(tmp_path, caplog) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with caplog.at_level(logging.WARNING, logger="review.engine.sessions"):
        assert sessions._private_dir(shared) is None
    assert "is not private to this user" in caplog.text
    assert sessions._private_dir(None) is None
    assert sessions._private_dir(tmp_path / "new" / "cache") == tmp_path / "new" / "cache"


def test_a_cache_that_cannot_be_made_means_no_cache(tmp_path) -> None:
    (tmp_path / "file").write_text("")
    assert sessions._private_dir(tmp_path / "file" / "cache") is None


@needs_hybrid
def test_the_optimised_graph_depends_on_the_file_and_the_runtime(monkeypatch) -> None:
    import onnxruntime

    key = sessions.cache_key(onnxruntime, MODEL_FILE.sha256, "")
    assert len(key) == 24
    assert sessions.cache_key(onnxruntime, MULTILINGUAL_FILE.sha256, "") != key
    monkeypatch.setattr(onnxruntime, "__version__", "0.0.1")
    assert sessions.cache_key(onnxruntime, MODEL_FILE.sha256, "") != key


@needs_hybrid
def test_when_the_child_fails_nothing_is_cached(cache, tmp_path, caplog) -> None:
    import onnxruntime

    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a graph")
    with caplog.at_level(logging.WARNING, logger="review.engine.sessions"):
        assert sessions.optimised(onnxruntime, broken, "0" * 64) is None
    assert "could not optimise" in caplog.text
    assert list(cache.iterdir()) == []  # the child's work directory is gone
