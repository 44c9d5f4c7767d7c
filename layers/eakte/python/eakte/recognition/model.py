"""Trained document-type model: hashed word and character n-gram features of the folded OCR
text, plus the keyword classifier's probabilities, into a multinomial logistic regression.

Pure Python (no numpy) so the classify Lambda stays small; the weights ship as a gzipped
JSON file next to this module (model.json.gz, written by tools/train_classifier.py). The
model is loaded lazily on first use, so it costs nothing at cold import. Probabilities are
temperature-calibrated on out-of-fold predictions of the training split.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from eakte.models.document import DocumentType
from eakte.recognition.normalize import fold

MODEL_PATH = Path(__file__).with_name("model.json.gz")
BUCKETS = 1 << 18
KEYWORD_SCALE = 1.0  # keyword-classifier probabilities enter as features of this size
MAX_CHARS = 6000  # the first two pages or so decide the type; bounds the CPU per document
_WORD = re.compile(r"[a-z][a-z']+")
_MRZ_FILL = re.compile(r"<{3,}")


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode()) % BUCKETS


def features(text: str, keyword_probabilities: Mapping[str, float] | None = None) -> dict[int, float]:
    """Sparse feature vector: word unigrams and bigrams of the folded text, character 4-grams
    of its words, an MRZ marker, and the keyword classifier's probabilities. L2-normalised
    text part, so long and short documents weigh alike."""
    folded = fold(text[:MAX_CHARS])
    words = _WORD.findall(folded)
    counts: dict[int, float] = {}
    for i, w in enumerate(words):
        for f in (f"w:{w}", f"b:{words[i - 1]}_{w}" if i else "b:^_" + w):
            k = _bucket(f)
            counts[k] = counts.get(k, 0.0) + 1.0
        padded = f" {w} "
        for j in range(len(padded) - 3):
            k = _bucket("c:" + padded[j:j + 4])
            counts[k] = counts.get(k, 0.0) + 0.5
    if _MRZ_FILL.search(text[:MAX_CHARS]):
        counts[_bucket("mrz")] = 3.0
    norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
    vec = {k: v / norm for k, v in counts.items()}
    for t, p in (keyword_probabilities or {}).items():
        k = _bucket(f"kw:{t}")
        vec[k] = vec.get(k, 0.0) + KEYWORD_SCALE * p
    return vec


@dataclass(frozen=True)
class Model:
    classes: tuple[str, ...]
    weights: dict[int, list[float]]  # feature bucket -> one weight per class
    bias: list[float]
    temperature: float = 1.0
    meta: Mapping[str, object] | None = None

    def scores(self, vec: Mapping[int, float]) -> list[float]:
        s = list(self.bias)
        n = len(s)
        for k, v in vec.items():
            w = self.weights.get(k)
            if w is not None:
                for c in range(n):
                    s[c] += w[c] * v
        return s

    def probabilities(self, vec: Mapping[int, float]) -> dict[str, float]:
        return dict(zip(self.classes, softmax(self.scores(vec), self.temperature), strict=True))

    def to_json(self) -> dict[str, object]:
        return {"classes": list(self.classes), "bias": [round(b, 4) for b in self.bias],
                "temperature": self.temperature, "meta": dict(self.meta or {}),
                "weights": {str(k): [round(x, 4) for x in w] for k, w in self.weights.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Model:
        weights = {int(k): list(v) for k, v in data["weights"].items()}
        return cls(tuple(data["classes"]), weights, list(data["bias"]),
                   float(data.get("temperature", 1.0)), data.get("meta"))

    def save(self, path: Path = MODEL_PATH) -> None:
        path.write_bytes(gzip.compress(json.dumps(self.to_json(), separators=(",", ":")).encode(), mtime=0))


def softmax(scores: Iterable[float], temperature: float = 1.0) -> list[float]:
    s = [x / temperature for x in scores]
    top = max(s)
    e = [math.exp(x - top) for x in s]
    total = sum(e)
    return [x / total for x in e]


@cache
def load_model(path: Path = MODEL_PATH) -> Model | None:
    """The shipped model, or None when there is none (then the keyword classifier decides)."""
    if not path.exists():
        return None
    return Model.from_json(json.loads(gzip.decompress(path.read_bytes())))


def predict(text: str, keyword_probabilities: Mapping[DocumentType, float],
            model: Model | None = None) -> dict[DocumentType, float] | None:
    model = model or load_model()
    if model is None:
        return None
    probs = model.probabilities(features(text, {t.value: p for t, p in keyword_probabilities.items()}))
    return {DocumentType(t): p for t, p in probs.items()}
