"""Choose the review threshold on held-out data and ship it next to the model.

    python -m samples.calibrate_review [--per-type 48] [--out layers/.../recognition/calibration.json]

The calibration set (never trained on, samples/train_classifier.py skips the held-out split):
- the held-out split of the generated corpus (samples/corpus.py), rendered, degraded (clean,
  scanner, phone) and OCR'd through the real OCR path (samples/corpus_scans.py, OCR cached);
- hard variants of each of those OCR texts, where the classifier is expected to be unsure:
  "damaged" (a page the OCR mostly failed on: a third of the lines lost, one character in six
  misread), "partial" (a torn or half-scanned page: a short run of lines from the middle),
  "untitled" (out of template: the page without its first lines, where titles and letterheads
  are). Their truth stays the document's type.
The held-out split alone is classified without a single error, so a rule on it alone would be
degenerate (any threshold keeps 100 %); the hard variants are what makes it choose.

The rule (eakte.recognition.calibration): the lowest threshold t, among the observed
confidences (floored to 0.01) not below settings.REVIEW_THRESHOLD, at which the documents of
the calibration set with confidence >= t got the right type in >= TARGET_PRECISION of the
cases (documents below t go to a human, so they cannot be wrong without review). Cross-check:
chosen on one half of the documents, measured on the other. Deterministic: the same model and
corpus give the same file, byte for byte."""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "eakte" / "python"))

from eakte.recognition import recognize  # noqa: E402
from eakte.recognition.calibration import CALIBRATION_PATH  # noqa: E402
from eakte.recognition.model import MODEL_PATH  # noqa: E402
from eakte.settings import REVIEW_THRESHOLD  # noqa: E402

TARGET_PRECISION = 0.99  # of the documents whose type is accepted without review
VARIANTS = ("ocr", "damaged", "partial", "untitled")
_CONFUSABLE = "il1|!ce0oa8BS5rnmuvhb.,;: "


@dataclass(frozen=True, slots=True)
class Row:
    variant: str
    truth: str
    predicted: str
    confidence: float

    @property
    def correct(self) -> bool:
        return self.truth == self.predicted


def damaged(text: str, rng: random.Random) -> str:
    lines = [ln for ln in text.splitlines() if rng.random() >= 1 / 3]
    return "\n".join("".join(rng.choice(_CONFUSABLE) if c != " " and rng.random() < 1 / 6 else c for c in ln)
                     for ln in lines)


def partial(text: str, rng: random.Random) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) <= 3:
        return "\n".join(lines[-1:])
    n = max(2, len(lines) // 4)
    start = rng.randrange(1, max(2, len(lines) - n))
    return "\n".join(lines[start:start + n])


def untitled(text: str, rng: random.Random) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return "\n".join(lines[rng.randint(3, 4):])


HARD = {"damaged": damaged, "partial": partial, "untitled": untitled}


def calibration_rows(held_out: Sequence[tuple[str, str, int]]) -> list[Row]:
    """(truth type, OCR text, corpus index) of the held-out scans -> one row per document and
    variant, classified by the shipped model (eakte.recognition.recognize)."""
    rows = []
    for truth, text, index in held_out:
        for variant in VARIANTS:
            rng = random.Random(f"calibration:{variant}:{index}")
            sample = text if variant == "ocr" else HARD[variant](text, rng)
            rec = recognize(sample)
            rows.append(Row(variant, truth, rec.document_type.value, rec.confidence))
    return rows


def calibrate(confidence: Sequence[float], correct: Sequence[bool], target: float = TARGET_PRECISION,
              floor: float = REVIEW_THRESHOLD) -> float:
    """The lowest threshold >= floor at which the accepted documents are >= target correct.
    Candidates: the observed confidences (floored to 0.01) not below the floor: below the least
    confident document checked there is no evidence. 0.99 (all to review but the surest) when
    none qualifies."""
    candidates = sorted({t for c in confidence if (t := math.floor(c * 100) / 100) >= floor})
    for t in candidates:
        accepted = [ok for c, ok in zip(confidence, correct, strict=True) if c >= t]
        if accepted and sum(accepted) / len(accepted) >= target:
            return t
    return 0.99


def _at(rows: Sequence[Row], t: float) -> dict[str, Any]:
    accepted = [r.correct for r in rows if r.confidence >= t]
    return {"threshold": t, "documents": len(rows), "accepted_share": round(len(accepted) / len(rows), 3),
            "accepted_precision": round(sum(accepted) / len(accepted), 4) if accepted else None,
            "errors_accepted": len(accepted) - sum(accepted),
            "errors_sent_to_review": sum(1 for r in rows if not r.correct and r.confidence < t)}


def threshold_report(rows: Sequence[Row], target: float = TARGET_PRECISION,
                     floor: float = REVIEW_THRESHOLD) -> dict[str, Any]:
    """The chosen threshold with what it does per variant, at the floor, and cross-checked on
    halves (chosen on the even documents, measured on the odd ones, and the other way). `rows`
    as calibration_rows makes them: the VARIANTS of one document after each other."""
    t = calibrate([r.confidence for r in rows], [r.correct for r in rows], target, floor)
    # halves by document (its variants are consecutive rows), so both halves have every variant
    per_doc = len(VARIANTS)
    halves = [[r for i, r in enumerate(rows) if i // per_doc % 2 == half] for half in (0, 1)]
    cross = []
    for fit, test in (halves, halves[::-1]):
        cross.append(_at(test, calibrate([r.confidence for r in fit], [r.correct for r in fit], target, floor)))
    return {
        "rule": f"lowest t >= {floor} (observed confidences) with accepted precision >= {target}",
        "target_precision": target, "floor": floor, "threshold": t, "all": _at(rows, t),
        "by_variant": {v: _at([r for r in rows if r.variant == v], t) for v in VARIANTS},
        "at_floor": _at(rows, floor), "cross_check_halves": cross,
    }


def model_digest(path: Path = MODEL_PATH) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def calibration_record(report: dict[str, Any]) -> dict[str, Any]:
    """What calibration.json holds: the threshold, how it was chosen, for which model."""
    return {
        "reviewThreshold": report["threshold"], "rule": report["rule"],
        "targetPrecision": report["target_precision"], "floor": report["floor"],
        "calibrationSet": {v: r["documents"] for v, r in report["by_variant"].items()},
        "acceptedShare": report["all"]["accepted_share"], "acceptedPrecision": report["all"]["accepted_precision"],
        "model": model_digest(), "chosenBy": "python -m samples.calibrate_review",
    }


def held_out_texts(per_type: int, workers: int = 1) -> list[tuple[str, str, int]]:
    from samples.corpus_scans import ocr_corpus

    return [(scan.document.doc_type, text, scan.document.index)
            for scan, text in ocr_corpus(per_type, workers=workers, held_out_only=True)]


def print_report(report: dict[str, Any]) -> None:
    print(f"review threshold: {report['threshold']} ({report['rule']})")
    for name, r in [("all", report["all"]), *report["by_variant"].items(), ("at the floor", report["at_floor"]),
                    *(("cross-check half", x) for x in report["cross_check_halves"])]:
        print(f"  {name:<17} t={r['threshold']:<5} n={r['documents']:<4} accepted {r['accepted_share']:<6} "
              f"precision {r['accepted_precision']}  errors accepted {r['errors_accepted']}, "
              f"to review {r['errors_sent_to_review']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-type", type=int, default=48)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=CALIBRATION_PATH)
    args = parser.parse_args()
    report = threshold_report(calibration_rows(held_out_texts(args.per_type, args.workers)))
    print_report(report)
    args.out.write_text(json.dumps(calibration_record(report), indent=2) + "\n", encoding="utf-8")
    print(f"-> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
