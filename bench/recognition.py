"""Recognition benchmark: document types, fields and MRZ on the held-out split of the generated
corpus through the real OCR path, identity resolution on generated document/dossier pairs, and
CPU per document outside OCR.

    python bench/recognition.py [--per-type 48] [--out bench/results/recognition.json]

The held-out split (samples/corpus.py, one document in 4 by a fixed hash: 204 at --per-type 48) is
never used for training (samples/train_classifier.py); only it is OCR'd here. The review
threshold in force is the one calibrated on it plus its hard variants (damaged, partial and
untitled pages) and shipped next to the model (samples/calibrate_review.py, rule in
eakte/recognition/calibration.py); the bench recalibrates from the same OCR texts, prints what
the rule chooses, per variant, at the settings floor and cross-checked on halves, and whether
the shipped file agrees (same threshold, same model). OCR results
come from .cache/ocr/ (samples/corpus_scans.py); OCR runs for the pages not cached yet
(Tesseract deu+fra+ita+eng, niced: about 1-2 s per page on one core)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "layers" / "eakte" / "python"))

from bench import identity as identity_bench  # noqa: E402
from bench.report import folded, print_rows, write_result  # noqa: E402
from eakte.recognition import MIN_MODEL_LETTERS, recognize  # noqa: E402
from eakte.recognition.calibration import CALIBRATION_PATH, review_threshold  # noqa: E402
from eakte.recognition.model import load_model  # noqa: E402
from eakte.recognition.mrz import find_mrz  # noqa: E402
from samples.calibrate_review import calibration_record, calibration_rows, threshold_report  # noqa: E402
from samples.corpus import TYPES, corpus_documents  # noqa: E402
from samples.corpus_scans import ocr_corpus  # noqa: E402


def classification_report(truth: list[str], predicted: list[str]) -> dict[str, Any]:
    per_type: dict[str, dict[str, float]] = {}
    for t in TYPES:
        tp = sum(1 for a, b in zip(truth, predicted, strict=True) if a == t and b == t)
        fp = sum(1 for a, b in zip(truth, predicted, strict=True) if a != t and b == t)
        fn = sum(1 for a, b in zip(truth, predicted, strict=True) if a == t and b != t)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_type[t] = {"support": tp + fn, "precision": round(precision, 3), "recall": round(recall, 3),
                       "f1": round(f1, 3)}
    present = [t for t in TYPES if per_type[t]["support"]]
    return {
        "documents": len(truth),
        "accuracy": round(sum(a == b for a, b in zip(truth, predicted, strict=True)) / len(truth), 4),
        "macro_f1": round(sum(per_type[t]["f1"] for t in present) / len(present), 4),
        "per_type": per_type,
    }


def confusions(truth: list[str], predicted: list[str]) -> list[tuple[str, str, int]]:
    pairs = Counter((a, b) for a, b in zip(truth, predicted, strict=True) if a != b)
    return [(a, b, n) for (a, b), n in pairs.most_common()]


def run_corpus(per_type: int, workers: int) -> dict[str, Any]:
    started = time.monotonic()
    held_out = ocr_corpus(per_type, workers=workers, held_out_only=True)
    ocr_seconds = time.monotonic() - started
    truth, predicted, confidence, kinds = [], [], [], []
    field_hits: dict[str, list[bool]] = defaultdict(list)
    mrz_docs = mrz_parsed = mrz_valid = 0
    clean_mrz_fields: list[bool] = []
    cpu = 0.0
    for scan, text in held_out:
        doc = scan.document
        t0 = time.process_time()
        rec = recognize(text)
        cpu += time.process_time() - t0
        truth.append(doc.doc_type)
        predicted.append(rec.document_type.value)
        confidence.append(rec.confidence)
        kinds.append(scan.degradation)
        for name, expected in doc.truth:
            got = rec.fields.get(name)
            field_hits[name].append(got is not None and folded(got.value) == folded(expected))
        if doc.has_mrz:
            mrz_docs += 1
            mrz_parsed += rec.mrz is not None
            mrz_valid += rec.mrz is not None and rec.mrz.valid
    # MRZ fields on clean MRZs: the generated MRZ lines themselves, every document of the corpus
    for doc in corpus_documents(per_type):
        if not doc.has_mrz:
            continue
        mrz = find_mrz(doc.text)
        expected = dict(doc.truth)
        ok = mrz is not None and mrz.valid and mrz.document_number == expected["documentNumber"] and \
            mrz.birth_date == expected["birthDate"] and mrz.expiry_date == expected["expiryDate"] and \
            mrz.sex == expected["sex"] and folded(mrz.surname).replace(" ", "") == \
            folded(expected["surname"]).replace(" ", "")
        clean_mrz_fields.append(ok)
    report = classification_report(truth, predicted)
    readable = [i for i, (_, text) in enumerate(held_out) if sum(c.isalpha() for c in text) >= MIN_MODEL_LETTERS]
    report["readable_scans"] = classification_report([truth[i] for i in readable], [predicted[i] for i in readable])
    report["readable_scans"].pop("per_type")
    report["unreadable_scans"] = len(held_out) - len(readable)
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for a, b, k in zip(truth, predicted, kinds, strict=True):
        by_kind[k]["all"] += 1
        by_kind[k]["correct"] += a == b
    threshold = review_threshold()
    accepted = [a == b for a, b, c in zip(truth, predicted, confidence, strict=True) if c >= threshold]
    calibration = threshold_report(calibration_rows([(scan.document.doc_type, text, scan.document.index)
                                                     for scan, text in held_out]))
    shipped = json.loads(CALIBRATION_PATH.read_text()) if CALIBRATION_PATH.exists() else {}
    fresh = calibration_record(calibration)
    report |= {
        "accuracy_by_degradation": {k: round(c["correct"] / c["all"], 4) for k, c in sorted(by_kind.items())},
        "review_threshold": threshold,
        "needs_review_share": round(1 - len(accepted) / len(truth), 4),
        "accuracy_of_accepted": round(sum(accepted) / len(accepted), 4) if accepted else None,
        "field_exact_match": {k: {"rate": round(sum(v) / len(v), 3), "n": len(v)}
                              for k, v in sorted(field_hits.items())},
        "mrz": {"documents_with_mrz": mrz_docs,
                "parse_rate": round(mrz_parsed / mrz_docs, 4) if mrz_docs else None,
                "check_digit_pass_rate": round(mrz_valid / mrz_docs, 4) if mrz_docs else None,
                "clean_mrz_fields_exact": round(sum(clean_mrz_fields) / len(clean_mrz_fields), 4)
                if clean_mrz_fields else None, "clean_mrzs": len(clean_mrz_fields)},
        "cpu_ms_per_document_classify_extract": round(cpu / len(held_out) * 1000, 2),
        "review_threshold_calibration": calibration,
        "shipped_calibration_current": shipped.get("reviewThreshold") == fresh["reviewThreshold"]
        and shipped.get("model") == fresh["model"],
        "confusions": confusions(truth, predicted),
        "ocr_and_render_seconds": round(ocr_seconds, 1),
        "model": (load_model().meta if load_model() else None),
    }
    return report


def print_tables(r: dict[str, Any]) -> None:
    c = r["classification"]
    cal = c["review_threshold_calibration"]
    print(f"document types, held-out split through OCR: {c['documents']} documents "
          f"(render + OCR or cache: {c['ocr_and_render_seconds']} s)")
    print(f"{'type':<22} {'n':>3} {'prec':>6} {'recall':>6} {'f1':>6}")
    for t, row in c["per_type"].items():
        print(f"{t:<22} {row['support']:>3} {row['precision']:>6} {row['recall']:>6} {row['f1']:>6}")
    rows: list[tuple[str, Any]] = [
        ("accuracy", c["accuracy"]), ("macro-F1", c["macro_f1"]),
        (f"scans where OCR read nothing (< {MIN_MODEL_LETTERS} letters)", c["unreadable_scans"]),
        ("accuracy on readable scans", c["readable_scans"]["accuracy"]),
        ("macro-F1 on readable scans", c["readable_scans"]["macro_f1"]),
        *((f"  accuracy on {k} scans", v) for k, v in c["accuracy_by_degradation"].items()),
        ("review threshold in force (recognition/calibration.json)", c["review_threshold"]),
        ("  shipped calibration = this run's, same model", c["shipped_calibration_current"]),
        (f"needs review on held-out (confidence < {c['review_threshold']})", c["needs_review_share"]),
        (f"calibration rule: {cal['rule']}", cal["threshold"]),
        *((f"  {name} (n={x['documents']}) at {x['threshold']}", f"accepts {x['accepted_share']}, precision "
           f"{x['accepted_precision']}, errors accepted {x['errors_accepted']} / to review "
           f"{x['errors_sent_to_review']}")
          for name, x in [("calibration set", cal["all"]), *cal["by_variant"].items(),
                          ("at the floor", cal["at_floor"]),
                          *(("cross-check half", h) for h in cal["cross_check_halves"])]),
        ("accuracy of accepted documents", c["accuracy_of_accepted"]),
        *((f"field {k} exact (n={v['n']})", v["rate"]) for k, v in c["field_exact_match"].items()),
        ("MRZ parse rate (OCR'd scans)", c["mrz"]["parse_rate"]),
        ("MRZ check-digit pass rate (OCR'd scans)", c["mrz"]["check_digit_pass_rate"]),
        (f"MRZ fields exact on clean MRZs (n={c['mrz']['clean_mrzs']})", c["mrz"]["clean_mrz_fields_exact"]),
        ("identity: FALSE attachments", r["identity"]["false_attachments"]),
        ("identity: precision", r["identity"]["precision"]),
        ("identity: recall", r["identity"]["recall"]),
        ("identity: recall (names + correct birth date)", r["identity"]["recall_names_and_correct_birth_date"]),
        ("CPU ms / document classify + extract", c["cpu_ms_per_document_classify_extract"]),
        ("CPU ms / document resolve", r["identity"]["cpu_ms_per_document_resolve"]),
        ("CPU ms / document classify + extract + resolve", r["cpu_ms_per_document_outside_ocr"]),
    ]
    print("confusions (true -> predicted: n):", ", ".join(f"{a} -> {b}: {n}" for a, b, n in c["confusions"])
          or "none")
    print()
    print_rows(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-type", type=int, default=48)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "recognition.json")
    args = parser.parse_args()
    classification = run_corpus(args.per_type, args.workers)
    ident = identity_bench.run_with_baseline()
    result = {"classification": classification, "identity": ident,
              "cpu_ms_per_document_outside_ocr": round(classification["cpu_ms_per_document_classify_extract"]
                                                       + ident["cpu_ms_per_document_resolve"], 2)}
    print_tables(result)
    write_result(args.out, result)
    identity_bench.print_table(ident)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
