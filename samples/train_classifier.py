"""Train the document-type model (eakte/recognition/model.json.gz) on the generated corpus.

    python -m samples.train_classifier [--per-type 48] [--corrections corrections.jsonl]

1. the corpus (samples/corpus.py) rendered, degraded and OCR'd through the real OCR path
   (samples/corpus_scans.py; OCR cached in .cache/ocr/); its held-out split is never used here;
2. plus the clean text of the same training documents (what a perfect OCR would read), so the
   model learns the wording apart from any one scan's OCR noise;
2b. plus an excerpt of each of those texts (excerpt: a page outside the templates);
3. plus caseworkers' corrections exported from the audit trail (eakte.logic.corrections);
4. multinomial logistic regression over hashed features (eakte.recognition.model.features),
   trained by SGD in pure Python; 5-fold out-of-fold predictions on the training split fit
   the temperature (calibration); the out-of-fold review threshold (the lowest confidence at
   which the out-of-fold accuracy of accepted documents is at least TARGET_ACCURACY) is kept in
   the model's meta for reference only.
The threshold the pipeline uses is chosen afterwards on the held-out split and its hard
variants by samples/calibrate_review.py (`make train` runs it) and shipped in
eakte/recognition/calibration.json."""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "eakte" / "python"))

from eakte.recognition import MIN_MODEL_LETTERS  # noqa: E402
from eakte.recognition.classifier import classify  # noqa: E402
from eakte.recognition.model import MODEL_PATH, Model, features, softmax  # noqa: E402
from samples.corpus import TYPES, corpus_documents  # noqa: E402

EPOCHS = 40
LEARNING_RATE = 0.5
L2 = 1e-4
FOLDS = 5
TARGET_ACCURACY = 0.98  # of the documents accepted without review (out-of-fold)
PRUNE_BELOW = 0.02  # weights smaller than this in every class are dropped from the file
EXCERPT_KEEP = (0.35, 0.9)  # share of its lines an excerpt keeps, drawn per excerpt


Example = tuple[dict[int, float], int]


def vectorize(text: str) -> dict[int, float]:
    keyword = classify(text)
    return features(text, {t.value: p for t, p in keyword.probabilities.items()})


def train(examples: Sequence[Example], n_classes: int, seed: int = 1) -> Model:
    rng = random.Random(seed)
    weights: dict[int, list[float]] = {}
    bias = [0.0] * n_classes
    order = list(range(len(examples)))
    for epoch in range(EPOCHS):
        rng.shuffle(order)
        lr = LEARNING_RATE / (1 + epoch * 0.2)
        for i in order:
            vec, label = examples[i]
            scores = list(bias)
            for k, v in vec.items():
                w = weights.get(k)
                if w is not None:
                    for c in range(n_classes):
                        scores[c] += w[c] * v
            probs = softmax(scores)
            grad = [p - (1.0 if c == label else 0.0) for c, p in enumerate(probs)]
            for c in range(n_classes):
                bias[c] -= lr * grad[c]
            for k, v in vec.items():
                w = weights.setdefault(k, [0.0] * n_classes)
                for c in range(n_classes):
                    w[c] -= lr * (grad[c] * v + L2 * w[c])
    pruned = {k: w for k, w in weights.items() if max(abs(x) for x in w) >= PRUNE_BELOW}
    return Model(tuple(TYPES), pruned, bias)


def out_of_fold(examples: Sequence[Example], n_classes: int,
                groups: Sequence[int] | None = None) -> list[tuple[list[float], int]]:
    """Raw scores of every training example from a model that did not see it (nor another
    example of the same group: a document's scan and its clean text share one)."""
    groups = groups if groups is not None else range(len(examples))
    out: list[tuple[list[float], int]] = []
    for fold in range(FOLDS):
        fit = [e for e, g in zip(examples, groups, strict=True) if g % FOLDS != fold]
        model = train(fit, n_classes, seed=fold)
        out += [(model.scores(vec), label) for (vec, label), g in zip(examples, groups, strict=True)
                if g % FOLDS == fold]
    return out


def fit_temperature(scored: Sequence[tuple[list[float], int]]) -> float:
    def nll(t: float) -> float:
        return -sum(math.log(max(softmax(s, t)[y], 1e-12)) for s, y in scored) / len(scored)

    return min((0.25 * i for i in range(1, 41)), key=nll)


def choose_threshold(scored: Sequence[tuple[list[float], int]], temperature: float) -> tuple[float, dict[str, float]]:
    rows = []
    for s, y in scored:
        p = softmax(s, temperature)
        top = max(range(len(p)), key=p.__getitem__)
        rows.append((p[top], top == y))
    for t in [x / 100 for x in range(30, 100)]:
        accepted = [ok for conf, ok in rows if conf >= t]
        if accepted and sum(accepted) / len(accepted) >= TARGET_ACCURACY:
            return t, {"accepted_share": round(len(accepted) / len(rows), 3),
                       "accepted_accuracy": round(sum(accepted) / len(accepted), 4),
                       "oof_accuracy": round(sum(ok for _, ok in rows) / len(rows), 4)}
    return 0.99, {"oof_accuracy": round(sum(ok for _, ok in rows) / len(rows), 4)}


def excerpt(text: str, rng: random.Random) -> str:
    """The document as a page outside the templates: each of its lines kept with one probability
    drawn per page (EXCERPT_KEEP), in order. Real pages carry other sentences than ours, fewer of
    them, no letterhead or no title; trained on full templates only, the model was sure of nothing
    else (a clean Italian contract with the title and five of its lines scored 0.20)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    keep = rng.uniform(*EXCERPT_KEEP)
    return "\n".join([ln for ln in lines if rng.random() < keep] or lines[:1])


def load_corrections(path: Path) -> list[tuple[str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append((row["text"], row["documentType"]))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-type", type=int, default=48)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--ocr-only", action="store_true", help="train on the OCR'd scans only, not their clean text")
    parser.add_argument("--corrections", type=Path, help="JSON lines from `python -m eakte.logic.corrections`")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()

    from samples.corpus_scans import ocr_corpus

    # unreadable scans (OCR found next to nothing) carry no evidence of their type: not trained on
    scans = [(text, scan.document) for scan, text in ocr_corpus(args.per_type, workers=args.workers)
             if not scan.document.held_out and sum(c.isalpha() for c in text) >= MIN_MODEL_LETTERS]
    labelled = [(text, doc.doc_type) for text, doc in scans]
    groups = [doc.index for _, doc in scans]
    if not args.ocr_only:
        clean = [doc for doc in corpus_documents(args.per_type) if not doc.held_out]
        labelled += [(doc.text, doc.doc_type) for doc in clean]
        groups += [doc.index for doc in clean]
    rng = random.Random(1)  # the excerpts, like the training, the same for the same corpus
    labelled += [(excerpt(text, rng), t) for text, t in labelled]
    groups += groups  # an excerpt stays in its document's fold
    if args.corrections:
        corrections = load_corrections(args.corrections)
        labelled += corrections
        groups += [-1 - i for i in range(len(corrections))]
    examples = [(vectorize(text), TYPES.index(t)) for text, t in labelled]
    n = len(TYPES)
    scored = out_of_fold(examples, n, groups)
    temperature = fit_temperature(scored)
    threshold, stats = choose_threshold(scored, temperature)
    model = train(examples, n)
    model = Model(model.classes, model.weights, model.bias, temperature, {
        "trainingDocuments": len(examples), "perType": dict(Counter(t for _, t in labelled)),
        "reviewThreshold": threshold, "outOfFold": stats, "targetAccuracy": TARGET_ACCURACY,
    })
    model.save(args.out)
    size = args.out.stat().st_size
    print(f"trained on {len(examples)} documents; {len(model.weights)} features; {size / 1024:.0f} KiB -> {args.out}")
    print(f"temperature {temperature}; out-of-fold {stats}")
    print(f"review threshold for >= {TARGET_ACCURACY:.0%} accuracy of accepted documents: {threshold} "
          "(training split, for reference; the shipped one: python -m samples.calibrate_review)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
