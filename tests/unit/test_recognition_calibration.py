"""The review threshold: calibrated on held-out data (samples/calibrate_review.py), shipped next to
the model (eakte/recognition/calibration.json), never below settings.REVIEW_THRESHOLD, and used
by the index stage to send documents of an unsure type to the inbox."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eakte.adapters.memory import MemoryObjectStore, MemoryQueue, MemoryRecordStore
from eakte.logic.intake import Buckets
from eakte.logic.stages import IndexStage
from eakte.models.document import (
    Document,
    DocumentStatus,
    DocumentType,
    Dossier,
    ExtractedField,
    FieldSource,
    StageMessage,
    SubmissionKind,
)
from eakte.recognition.calibration import CALIBRATION_PATH, review_threshold, threshold_from
from eakte.recognition.model import MODEL_PATH
from eakte.settings import REVIEW_THRESHOLD
from samples.calibrate_review import VARIANTS, Row, calibration_rows, damaged, partial, threshold_report, untitled

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


def test_threshold_from_a_record_never_below_the_floor() -> None:
    assert threshold_from({"reviewThreshold": 0.96}) == 0.96
    assert threshold_from({"reviewThreshold": 0.3}) == REVIEW_THRESHOLD
    assert threshold_from({"reviewThreshold": 0.3}, floor=0.2) == 0.3
    for broken in ({}, {"reviewThreshold": "0.9"}, {"reviewThreshold": True}, {"reviewThreshold": 7}, [0.9], None):
        assert threshold_from(broken) == REVIEW_THRESHOLD


def test_review_threshold_reads_the_file_or_falls_back(tmp_path: Path) -> None:
    good = tmp_path / "calibration.json"
    good.write_text(json.dumps({"reviewThreshold": 0.93}))
    assert review_threshold(good) == 0.93
    assert review_threshold(tmp_path / "missing.json") == REVIEW_THRESHOLD
    garbled = tmp_path / "garbled.json"
    garbled.write_text("{not json")
    assert review_threshold(garbled) == REVIEW_THRESHOLD


def test_shipped_calibration_belongs_to_the_shipped_model() -> None:
    """Retraining without recalibrating fails here: `make train` runs both."""
    record = json.loads(CALIBRATION_PATH.read_text())
    assert record["model"] == hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()
    assert REVIEW_THRESHOLD <= record["reviewThreshold"] < 1.0
    assert record["floor"] == REVIEW_THRESHOLD and record["targetPrecision"] >= 0.99
    assert set(record["calibrationSet"]) == set(VARIANTS) and min(record["calibrationSet"].values()) >= 200
    assert review_threshold() == record["reviewThreshold"]


def _stage(threshold: float | None) -> tuple[IndexStage, MemoryRecordStore]:
    records = MemoryRecordStore()
    records.create_dossier(Dossier(dossier_id="D-1", surname="Tesfaye", given_names="Dawit", created_at=NOW,
                                birth_date=datetime(1985, 6, 1).date(), nationality="ERI", sex="M"))
    stage = IndexStage(records, MemoryObjectStore(), MemoryQueue(), Buckets("in", "arch"), clock=lambda: NOW)
    stage.review_threshold = threshold
    return stage, records


def _index(stage: IndexStage, records: MemoryRecordStore, confidence: float,
           doc_type: DocumentType = DocumentType.PAYSLIP, surname: str = "Tesfaye") -> Document:
    fields = {"surname": surname, "givenNames": "Dawit", "birthDate": "1985-06-01"}
    doc = Document(document_id=f"DOC-{confidence}-{surname}", submission_id="S", tenant="t", kind=SubmissionKind.SCAN,
                   status=DocumentStatus.CLASSIFIED, filename="x.pdf", source_bucket="in", source_key="k",
                   document_type=doc_type, confidence=confidence, received_at=NOW, updated_at=NOW,
                   fields={k: ExtractedField(value=v, confidence=0.9, source=FieldSource.TEXT)
                           for k, v in fields.items()})
    records.create_document(doc)
    out = stage.run(StageMessage(document_id=doc.document_id))
    assert out is not None
    return out


@pytest.mark.parametrize(("threshold", "confidence", "status"), [
    (0.95, 0.94, DocumentStatus.NEEDS_REVIEW),
    (0.95, 0.95, DocumentStatus.INDEXED),
    (0.8, 0.9, DocumentStatus.INDEXED),
])
def test_index_stage_sends_unsure_types_to_review(threshold: float, confidence: float, status: DocumentStatus) -> None:
    stage, records = _stage(threshold)
    out = _index(stage, records, confidence)
    assert out.status is status and out.dossier_id == "D-1"  # the dossier is proposed either way
    assert out.reason == (None if status is DocumentStatus.INDEXED else "low_confidence")


def test_index_stage_uses_the_calibrated_threshold_by_default() -> None:
    stage, records = _stage(None)
    assert stage.threshold == review_threshold()
    just_below = round(review_threshold() - 0.01, 2)
    assert _index(stage, records, just_below).status is DocumentStatus.NEEDS_REVIEW
    assert _index(stage, records, 0.99, surname="TESFAYE").status is DocumentStatus.INDEXED


def test_an_unsure_passport_opens_no_dossier() -> None:
    stage, records = _stage(0.95)
    out = _index(stage, records, 0.9, DocumentType.PASSPORT, surname="Haile")
    assert out.status is DocumentStatus.NEEDS_REVIEW and out.dossier_id is None
    sure = _index(stage, records, 0.97, DocumentType.PASSPORT, surname="Haile")
    assert sure.status is DocumentStatus.INDEXED and sure.dossier_id not in {None, "D-1"}


TEXT = """Lohnabrechnung Mai 2026
Arbeitgeber: Bau Huber AG
Mitarbeiter: Dawit Tesfaye
AHV-Nr. 756.1234.5678.97
Bruttolohn 5600.00
AHV/IV/EO -296.80
Nettolohn 4816.00"""


def test_hard_variants_are_deterministic_and_harder() -> None:
    import random

    for make in (damaged, partial, untitled):
        a, b = make(TEXT, random.Random("x")), make(TEXT, random.Random("x"))
        assert a == b and a != TEXT and len(a) <= len(TEXT)
    rows = calibration_rows([("payslip", TEXT, 1)])
    assert [r.variant for r in rows] == list(VARIANTS)
    assert rows[0].correct and rows[0].confidence >= max(r.confidence for r in rows[1:])


def test_threshold_report_is_not_degenerate_with_hard_cases() -> None:
    # held-out OCR all right and sure; the hard variants wrong at middling confidence
    rows = []
    for i in range(40):
        rows.append(Row("ocr", "payslip", "payslip", 0.99))
        rows.append(Row("damaged", "payslip", "other" if i % 4 == 0 else "payslip", 0.7 + (i % 4) * 0.05))
        rows.append(Row("partial", "payslip", "payslip", 0.8))
        rows.append(Row("untitled", "payslip", "payslip", 0.9))
    report = threshold_report(rows, target=0.99, floor=0.6)
    assert report["threshold"] == 0.75  # the wrong ones sit at 0.7: everything from 0.75 up is right
    assert report["at_floor"]["errors_accepted"] == 10 and report["all"]["errors_accepted"] == 0
    assert report["by_variant"]["damaged"]["errors_sent_to_review"] == 10
    assert len(report["cross_check_halves"]) == 2
