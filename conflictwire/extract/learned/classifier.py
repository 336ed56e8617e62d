"""The type and sub-type classifier: a linear SVM over TF-IDF words and word pairs of an
event's text, trained on coded notes. Chosen over a logistic regression on hashed
features: on the notes of 2018 and before it fits in under a second instead of four
minutes, and types more of the later events right (2019 Mali and Burkina Faso 0.815
against 0.798; the global month 0.740 against 0.642). The vocabulary is kept as JSON and
the weights as a NumPy file, loaded without pickle: a model directory is data, never code.
The margins become probabilities by a softmax; a type's is the sum of its sub-types'.

Coding with a model does not import scikit-learn: `TermVectors` computes what its
TfidfVectorizer would (the same tokens, word pairs, sublinear counts, weights and norm) with
the standard library and NumPy. Importing scikit-learn cost every extraction worker 1.1 s of
processor time at start."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import numpy as np

from ...models import EVENT_TYPES
from ..nlp import one_blas_thread

# What the coder writes that says nothing of the type: the date lead, ACLED's tags.
_DATE_LEAD = re.compile(r"(?i)^\s*(?:on|around|between|during|in)\b[^,]{0,40}\b(?:19|20)\d\d,\s*")
_TAGS = re.compile(r"\[[^\]]*\]")
_DIGITS = re.compile(r"\d+")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
SHARPNESS = 4.0  # softmax over SVM margins: a margin of 0.5 over the next class is ~0.88


def prepare(text: str) -> str:
    return _DIGITS.sub("0", _TAGS.sub(" ", _DATE_LEAD.sub("", text))).lower()


def _vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    one_blas_thread()  # SciPy's own OpenBLAS, loaded with scikit-learn

    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, preprocessor=prepare,
                           dtype=np.float32)


class TermVectors:
    """A fitted TfidfVectorizer's transform (words and word pairs of `prepare`d text,
    1 + log of their counts, times their idf, to unit length), as (term indices, values)."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.idf = idf.astype(np.float64)

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        tokens = _TOKEN.findall(prepare(text))
        counts: dict[int, int] = {}
        for term in tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]:
            i = self.vocabulary.get(term)
            if i is not None:
                counts[i] = counts.get(i, 0) + 1
        index = np.fromiter(counts, dtype=np.int64, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) \
            * self.idf[index]
        norm = float(np.sqrt(values @ values))
        return index, (values / norm if norm else values).astype(np.float32)


class TypeClassifier:
    """Sub-event type probabilities of a text; `train` fits one, `load` reads one."""

    FILE = "classifier.npz"
    VOCABULARY = "vocabulary.json"

    def __init__(self, labels: list[str], vectors: TermVectors, weights: np.ndarray,
                 bias: np.ndarray) -> None:
        self.labels = labels
        self.vectors = vectors
        self.weights = weights  # (terms, labels), float32
        self.bias = bias

    @classmethod
    def train(cls, texts: list[str], subs: list[str], c: float = 1.0) -> TypeClassifier:
        from sklearn.svm import LinearSVC

        one_blas_thread()

        vectorizer = _vectorizer()
        x = vectorizer.fit_transform(texts)
        fit = LinearSVC(C=c, random_state=0).fit(x, subs)  # its coordinate descent shuffles: a fixed seed
        labels = [str(s) for s in fit.classes_]
        weights = fit.coef_.T.astype(np.float32)
        bias = fit.intercept_.astype(np.float32)
        if len(labels) == 2:  # a binary fit keeps one column: make it two, as for many classes
            weights = np.hstack([-weights, weights])
            bias = np.array([-bias[0], bias[0]], dtype=np.float32)
        vocabulary = {term: int(i) for term, i in vectorizer.vocabulary_.items()}
        return cls(labels, TermVectors(vocabulary, vectorizer.idf_), weights, bias)

    def _scores(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        index, values = self.vectors.row(text)
        return index, values, values @ self.weights[index] + self.bias

    def margins(self, text: str) -> dict[str, float]:
        """Each sub-type's SVM margin: above 0, the text reads as that sub-type rather than the rest."""
        return dict(zip(self.labels, self._scores(text)[2].tolist(), strict=True))

    def strongest(self, texts: list[str], least: float) -> list[tuple[str, float, str] | None]:
        """For each text the classifier reads as a sub-type with a margin of `least` or more:
        that sub-type, its margin, and the word (of letters only) that weighs most in that
        reading; None for the others."""
        found: list[tuple[str, float, str] | None] = []
        for text in texts:
            index, values, scores = self._scores(text)
            top = int(np.argmax(scores))
            word = self._heaviest(index, values, top) if scores[top] >= least else None
            found.append((self.labels[top], float(scores[top]), word) if word else None)
        return found

    def _heaviest(self, index: np.ndarray, values: np.ndarray, label: int) -> str | None:
        weights = values * self.weights[index, label]
        for i in np.argsort(-weights, kind="stable"):
            if weights[i] <= 0:
                return None
            if (term := self._terms()[index[i]]).isalpha():
                return term
        return None

    def _terms(self) -> list[str]:
        if not hasattr(self, "_by_index"):
            self._by_index = [""] * len(self.vectors.vocabulary)
            for term, i in self.vectors.vocabulary.items():
                self._by_index[i] = term
        return self._by_index

    def sub_probabilities(self, text: str) -> dict[str, float]:
        scores = self._scores(text)[2]
        scores = np.exp(SHARPNESS * (scores - scores.max()))
        probs = scores / scores.sum()
        return dict(zip(self.labels, probs.tolist(), strict=True))

    def predict(self, text: str) -> tuple[str, float, str, float]:
        """(type, its probability, sub-type within it, its share of the type)."""
        probs = self.sub_probabilities(text)
        by_type = {t: sum(probs.get(s, 0.0) for s in subs) for t, subs in EVENT_TYPES.items()}
        event_type = max(by_type, key=by_type.__getitem__)
        sub = max(EVENT_TYPES[event_type], key=lambda s: probs.get(s, 0.0))
        share = probs.get(sub, 0.0) / by_type[event_type] if by_type[event_type] else 0.0
        return event_type, by_type[event_type], sub, share

    def save(self, folder: Path) -> None:
        (folder / self.VOCABULARY).write_text(json.dumps(self.vectors.vocabulary, ensure_ascii=False),
                                              encoding="utf-8")
        np.savez_compressed(folder / self.FILE, labels=np.array(self.labels), weights=self.weights,
                            bias=self.bias, idf=self.vectors.idf.astype(np.float32))

    @classmethod
    def load(cls, folder: Path) -> TypeClassifier | None:
        path = folder / cls.FILE
        if not path.exists():
            return None
        vocabulary = json.loads((folder / cls.VOCABULARY).read_text(encoding="utf-8"))
        with np.load(path, allow_pickle=False) as data:
            vectors = TermVectors(vocabulary, data["idf"])
            return cls([str(s) for s in data["labels"]], vectors, data["weights"], data["bias"])
