"""The type and sub-type classifier: a linear SVM over TF-IDF words and word pairs of an
event's text, trained on coded notes. Chosen over a logistic regression on hashed
features: on the notes of 2018 and before it fits in under a second instead of four
minutes, and types more of the later events right (2019 Mali and Burkina Faso 0.815
against 0.798; the global month 0.740 against 0.642). The vocabulary is kept as JSON and
the weights as a NumPy file, loaded without pickle: a model directory is data, never code.
The margins become probabilities by a softmax; a type's is the sum of its sub-types'."""

from __future__ import annotations

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
SHARPNESS = 4.0  # softmax over SVM margins: a margin of 0.5 over the next class is ~0.88


def prepare(text: str) -> str:
    return _DIGITS.sub("0", _TAGS.sub(" ", _DATE_LEAD.sub("", text))).lower()


def _vectorizer(vocabulary: dict[str, int] | None = None):
    from sklearn.feature_extraction.text import TfidfVectorizer

    one_blas_thread()  # SciPy's own OpenBLAS, loaded with scikit-learn

    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, preprocessor=prepare,
                           vocabulary=vocabulary, dtype=np.float32)


class TypeClassifier:
    """Sub-event type probabilities of a text; `train` fits one, `load` reads one."""

    FILE = "classifier.npz"
    VOCABULARY = "vocabulary.json"

    def __init__(self, labels: list[str], vectorizer, weights: np.ndarray, bias: np.ndarray) -> None:
        self.labels = labels
        self.vectorizer = vectorizer
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
        return cls(labels, vectorizer, weights, bias)

    def margins(self, text: str) -> dict[str, float]:
        """Each sub-type's SVM margin: above 0, the text reads as that sub-type rather than the rest."""
        scores = (self.vectorizer.transform([text]) @ self.weights)[0] + self.bias
        return dict(zip(self.labels, scores.tolist(), strict=True))

    def strongest(self, texts: list[str], least: float) -> list[tuple[str, float, str] | None]:
        """For each text the classifier reads as a sub-type with a margin of `least` or more:
        that sub-type, its margin, and the word (of letters only) that weighs most in that
        reading; None for the others. One matrix product for all the texts."""
        x = self.vectorizer.transform(texts).tocsr()
        scores = x @ self.weights + self.bias
        found: list[tuple[str, float, str] | None] = []
        for row in range(x.shape[0]):
            top = int(np.argmax(scores[row]))
            word = self._heaviest(x, row, top) if scores[row, top] >= least else None
            found.append((self.labels[top], float(scores[row, top]), word) if word else None)
        return found

    def _heaviest(self, x, row: int, label: int) -> str | None:
        start, end = x.indptr[row], x.indptr[row + 1]
        terms, weights = x.indices[start:end], x.data[start:end] * self.weights[x.indices[start:end], label]
        for i in np.argsort(-weights):
            if weights[i] <= 0:
                return None
            if (term := self._terms()[terms[i]]).isalpha():
                return term
        return None

    def _terms(self) -> list[str]:
        if not hasattr(self, "_by_index"):
            self._by_index = [""] * len(self.vectorizer.vocabulary_)
            for term, i in self.vectorizer.vocabulary_.items():
                self._by_index[i] = term
        return self._by_index

    def sub_probabilities(self, text: str) -> dict[str, float]:
        scores = (self.vectorizer.transform([text]) @ self.weights)[0] + self.bias
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
        vocabulary = {term: int(i) for term, i in self.vectorizer.vocabulary_.items()}
        (folder / self.VOCABULARY).write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
        np.savez_compressed(folder / self.FILE, labels=np.array(self.labels), weights=self.weights,
                            bias=self.bias, idf=self.vectorizer.idf_.astype(np.float32))

    @classmethod
    def load(cls, folder: Path) -> TypeClassifier | None:
        path = folder / cls.FILE
        if not path.exists():
            return None
        vocabulary = json.loads((folder / cls.VOCABULARY).read_text(encoding="utf-8"))
        with np.load(path, allow_pickle=False) as data:
            vectorizer = _vectorizer(vocabulary)
            vectorizer.idf_ = data["idf"]  # what fit() would set: the vectorizer is fitted
            return cls([str(s) for s in data["labels"]], vectorizer, data["weights"], data["bias"])
