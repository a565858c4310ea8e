"""The two engines' classifiers: feature pipelines and models, built unfitted per engine.

* ``tfidf`` (default, always installed): TF-IDF over word 1-2-grams and char_wb 2-5-grams
  (sublinear tf) into one multinomial LogisticRegression;
* ``hybrid`` (optional extra ``enhanced``): the same TF-IDF features and sentence embeddings
  (`review.engine.embeddings`: all-MiniLM-L6-v2's mean, [CLS] and max pooling of one ONNX
  run, or the multilingual model's one vector) scored by three members whose logits are
  summed (`_HybridEnsemble`): a LogisticRegression on the TF-IDF block, one on the embedding
  block, and a nearest-neighbour score (per intent, the mean cosine similarity of the 3 most
  similar training messages).

`review.engine.intent_classifier.IntentClassifier` fits, calibrates and serialises them.
Model blobs pickle `_HybridEnsemble` by its module path, ``review.engine.classifier``:
moving or renaming the class would make stored ``hybrid`` versions unloadable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from review.engine.embeddings import DEFAULT_EMBEDDINGS, embedding_model

ENGINES = ("tfidf", "hybrid")
# Weak regularisation: short support messages are sparse, and a stronger penalty flattens
# the scores of rare intents; over-confidence is corrected by the temperature afterwards.
REGULARISATION_C = 15.0
CHAR_MIN_DF = 2
# The hybrid engine's embedding views (each unit length), and its nearest-neighbour member:
# the k most similar training messages per intent, their mean cosine similarity times the
# weight is added to the two regressions' logits. On BANKING77 (5 folds) the three members
# raise the out-of-fold coverage at 98 % from 82.8 % (one joint regression) to 84.8 %, the
# test coverage from 84.0 % to 85.7 % (realised precision 98.5 %).
EMBEDDING_POOLINGS = ("mean", "cls", "max")  # mean first: the neighbour member uses it
MEAN_VIEW_DIM = 384
NEIGHBOURS = 3
NEIGHBOUR_WEIGHT = 25.0
SCORE_CHUNK = 64


def build_pipeline(seed: int, engine: str = "tfidf", embedder: Any = None) -> Pipeline:
    """Return an unfitted feature + model pipeline for `engine`."""
    blocks: list[tuple[str, Any]] = [
        # strip_accents=None so that umlauts and ß stay distinct features.
        (
            "word",
            TfidfVectorizer(
                analyzer="word",
                ngram_range=(1, 2),
                sublinear_tf=True,
                lowercase=True,
                strip_accents=None,
            ),
        ),
        # Character n-grams cope with typos, inflections and German compounds. Those seen in
        # one message only (mostly names, numbers and typos) are dropped: a smaller model,
        # and on BANKING77 no loss (docs/engine.md).
        (
            "char",
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 5),
                sublinear_tf=True,
                lowercase=True,
                strip_accents=None,
                min_df=CHAR_MIN_DF,
            ),
        ),
    ]
    model: Any = LogisticRegression(C=REGULARISATION_C, max_iter=5000, random_state=seed)
    if engine == "hybrid":
        # The embedding block comes last; the ensemble splits the columns there.
        blocks.append(("minilm", embedder))
        model = _HybridEnsemble(
            embedding_dim=embedder.dimension, seed=seed, neighbour_dim=embedder.view_dimension
        )
    elif engine != "tfidf":
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    features = FeatureUnion(blocks)
    return Pipeline([("features", features), ("model", model)])


def _margins(model: LogisticRegression, features: Any) -> np.ndarray:
    """A LogisticRegression's (n, n_classes) logits, also for the binary case."""
    scores = np.asarray(model.decision_function(features), dtype=np.float64)
    if scores.ndim == 1:
        scores = np.column_stack([np.zeros_like(scores), scores])
    return scores


class _HybridEnsemble(ClassifierMixin, BaseEstimator):
    """The hybrid engine's model: three members on [TF-IDF | embeddings] rows, logits summed.

    The last `embedding_dim` columns are the embedding views (the first `neighbour_dim` of
    them the view that neighbours compare: MiniLM's mean pooling, or the whole multilingual
    vector), the others TF-IDF. Members: a LogisticRegression on the TF-IDF columns, one on
    the embedding columns, and a nearest-neighbour score on the mean-pooled view (for each
    intent, the mean cosine similarity of its `neighbours` most similar training messages,
    times `neighbour_weight`). Separate regressions err on different messages, and the
    neighbour score is not a linear function of the features: summed, right and wrong
    predictions separate better than in one joint regression. The neighbour member keeps
    the training embeddings as float16 (half the memory of float32; similarities are
    computed in float32) and ignores sample weights. `neighbour_scores` also serves the
    out-of-scope score (`review.engine.intent_classifier`): a message far from every
    training message is unlikely to belong to any intent.
    """

    def __init__(
        self,
        embedding_dim: int,
        seed: int = 0,
        C: float = REGULARISATION_C,
        neighbours: int = NEIGHBOURS,
        neighbour_weight: float = NEIGHBOUR_WEIGHT,
        neighbour_dim: int = MEAN_VIEW_DIM,
    ) -> None:
        self.embedding_dim = embedding_dim
        self.seed = seed
        self.C = C
        self.neighbours = neighbours
        self.neighbour_weight = neighbour_weight
        self.neighbour_dim = neighbour_dim

    @property
    def _view(self) -> int:
        # Ensembles pickled before `neighbour_dim` existed compare 384-d MiniLM mean views.
        return getattr(self, "neighbour_dim", MEAN_VIEW_DIM)

    def _split(self, features: Any) -> tuple[Any, Any]:
        # Sparse rows throughout: sparse products go row by row, so a text's scores never
        # depend on the batch it came in (dense BLAS products may round differently).
        features = sparse.csr_matrix(features)
        split = features.shape[1] - self.embedding_dim
        return features[:, :split], features[:, split:]

    def fit(
        self, features: Any, y: Any, sample_weight: np.ndarray | None = None
    ) -> _HybridEnsemble:
        self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        text, vectors = self._split(features)
        self.text_model_ = LogisticRegression(C=self.C, max_iter=5000, random_state=self.seed)
        self.text_model_.fit(text, codes, sample_weight=sample_weight)
        self.embedding_model_ = LogisticRegression(C=self.C, max_iter=5000, random_state=self.seed)
        # Fitting on the dense block is twice as fast; scoring stays sparse (`_split`).
        self.embedding_model_.fit(vectors.toarray(), codes, sample_weight=sample_weight)
        # Neighbour index: mean-pooled training vectors grouped by class.
        order = np.argsort(codes, kind="stable")
        self.neighbour_vectors_ = vectors[order, : self._view].toarray().astype(np.float16)
        counts = np.bincount(codes, minlength=len(self.classes_))
        self.neighbour_bounds_ = np.concatenate([[0], np.cumsum(counts)])
        return self

    def _neighbour_scores(self, vectors: Any) -> np.ndarray:
        queries = vectors[:, : self._view].toarray().astype(np.float32)
        bounds = self.neighbour_bounds_
        out = np.zeros((len(queries), len(self.classes_)))
        for start in range(0, len(queries), 256):
            chunk = queries[start : start + 256]
            similarity = np.empty((len(chunk), len(self.neighbour_vectors_)), dtype=np.float32)
            # The float16 index is widened a block of rows at a time (bounded memory), and
            # one matrix-vector product per text, for the same reason as in `_split`.
            for lo in range(0, len(self.neighbour_vectors_), 4096):
                index = np.asarray(self.neighbour_vectors_[lo : lo + 4096], dtype=np.float32)
                for row, query in enumerate(chunk):
                    similarity[row, lo : lo + len(index)] = index @ query
            for cls in range(len(self.classes_)):
                block = similarity[:, bounds[cls] : bounds[cls + 1]]
                k = min(self.neighbours, block.shape[1])
                top = -np.partition(-block, k - 1, axis=1)[:, :k]
                out[start : start + 256, cls] = top.mean(axis=1)
        return out

    def scores(self, features: Any) -> tuple[np.ndarray, np.ndarray]:
        """(logits, neighbour similarities): the summed members' (n, n_classes) logits, and
        per intent the mean cosine similarity of its `neighbours` nearest training messages."""
        text, vectors = self._split(features)
        neighbours = self._neighbour_scores(vectors)
        logits = (
            _margins(self.text_model_, text)
            + _margins(self.embedding_model_, vectors)
            + self.neighbour_weight * neighbours
        )
        return logits, neighbours

    def decision_function(self, features: Any) -> np.ndarray:
        return self.scores(features)[0]

    def predict(self, features: Any) -> np.ndarray:
        return self.classes_[self.decision_function(features).argmax(axis=1)]


def pipeline_logits(pipeline: Pipeline, texts: Sequence[str]) -> np.ndarray:
    """Return an (n, n_classes) logit matrix, also for the binary case."""
    return pipeline_scores(pipeline, texts)[0]


def pipeline_scores(
    pipeline: Pipeline, texts: Sequence[str]
) -> tuple[np.ndarray, np.ndarray | None]:
    """(logits, neighbour similarities): the (n, n_classes) logits, also for the binary case,
    and for ``hybrid`` the per-intent neighbour similarities (None for ``tfidf``)."""
    model = pipeline.named_steps["model"]
    if isinstance(model, _HybridEnsemble):
        # `SCORE_CHUNK` texts at a time: a batch's feature rows and similarities stay small
        # (issue 15), and a text's scores do not depend on its batch (`_HybridEnsemble._split`).
        texts = list(texts)
        features = pipeline.named_steps["features"]
        chunks = [
            model.scores(features.transform(texts[start : start + SCORE_CHUNK]))
            for start in range(0, len(texts), SCORE_CHUNK)
        ] or [model.scores(features.transform(texts))]
        logits = np.concatenate([chunk[0] for chunk in chunks])
        return np.asarray(logits, dtype=np.float64), np.concatenate([c[1] for c in chunks])
    scores = np.asarray(pipeline.decision_function(list(texts)), dtype=np.float64)
    if scores.ndim == 1:
        # Binary logistic regression returns one margin; softmax([0, m]) == sigmoid(m).
        scores = np.column_stack([np.zeros_like(scores), scores])
    return scores, None


def check_embedding_pin(pipeline: Pipeline) -> None:
    """Refuse a hybrid model whose embeddings came from another model file than ours."""
    for name, block in pipeline.named_steps["features"].transformer_list:
        if name != "minilm":
            continue
        spec = embedding_model(getattr(block, "model", DEFAULT_EMBEDDINGS))
        if getattr(block, "model_sha256_", None) != spec.pin:
            raise ValueError(
                "hybrid model was trained on embeddings from another model file "
                f"({getattr(block, 'model_sha256_', None)!r}); refusing to load it"
            )
