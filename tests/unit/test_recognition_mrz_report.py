"""MRZ checks reported through the API: which ICAO 9303 check digits passed (document number,
birth date, expiry, optional data, composite) and which repairs were applied, from the classify
stage to GET /api/documents/{id}. ICAO specimens from the shared standards folder."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from eakte.adapters.memory import MemoryAuditTrail, MemoryObjectStore, MemoryQueue, MemoryRecordStore
from eakte.auth import Principal
from eakte.logic.api_service import ApiService
from eakte.logic.intake import Buckets
from eakte.logic.stages import ClassifyStage
from eakte.models.document import Document, DocumentStatus, StageMessage, SubmissionKind
from eakte.ports import ObjectRef
from eakte.recognition.mrz import parse_mrz
from eakte.recognition.mrz_report import mrz_report

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
SPECIMENS = Path(__file__).resolve().parents[3] / "shared" / "standards" / "mrz" / "specimens.json"
TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
ALL_FIVE = {"documentNumber": True, "birthDate": True, "expiryDate": True, "optionalData": True, "composite": True}


def _specimen(sid: str) -> dict[str, Any]:
    return next(s for s in json.loads(SPECIMENS.read_text(encoding="utf-8"))["specimens"] if s["id"] == sid)


def test_icao_td3_specimen_passes_all_five_checks() -> None:
    report = mrz_report(parse_mrz(TD3, today=TODAY))
    assert report is not None
    assert (report.format, report.document_code, report.issuing_state, report.valid) == ("TD3", "P", "UTO", True)
    assert report.checks == ALL_FIVE and report.repairs == []


def test_icao_visa_specimen_has_no_composite_check() -> None:
    report = mrz_report(parse_mrz(_specimen("icao-mrva")["lines"], today=TODAY))
    assert report is not None and report.format == "MRV-A" and report.valid
    assert "composite" not in report.checks and report.checks["documentNumber"]


def test_failed_check_digits_are_reported_as_failed() -> None:
    report = mrz_report(parse_mrz(_specimen("neg-td1-bad-docnum")["lines"], today=TODAY))
    assert report is not None and not report.valid
    assert report.checks["documentNumber"] is False and report.checks["birthDate"] is True


def test_a_confirmed_repair_is_listed() -> None:
    line2 = TD3[1].replace("7408122F", "74O8122F")  # OCR read the 0 of the birth date as O
    report = mrz_report(parse_mrz([TD3[0], line2], today=TODAY))
    assert report is not None and report.valid and report.checks == ALL_FIVE
    assert any(r.startswith("birth date") for r in report.repairs), report.repairs


def test_no_mrz_no_report() -> None:
    assert mrz_report(None) is None


def test_the_checks_reach_get_document_through_the_classify_stage() -> None:
    records, objects, buckets = MemoryRecordStore(), MemoryObjectStore(), Buckets("in", "arch")
    text = "REISEPASS / PASSPORT\nName: ERIKSSON\n" + "\n".join([TD3[0], TD3[1].replace("7408122F", "74O8122F")])
    objects.put(ObjectRef("arch", "D1/text.txt"), text.encode(), "text/plain")
    records.create_document(Document(
        document_id="D1", submission_id="S1", tenant="bfs-261", kind=SubmissionKind.SCAN,
        status=DocumentStatus.OCR_DONE, filename="pass.png", source_bucket="in", source_key="k",
        text_key="D1/text.txt", received_at=NOW, updated_at=NOW))
    classified = ClassifyStage(records, objects, MemoryQueue(), buckets, clock=lambda: NOW).run(
        StageMessage(document_id="D1"))
    assert classified is not None and classified.mrz is not None and classified.mrz.valid
    api = ApiService(records, objects, buckets, MemoryAuditTrail(), clock=lambda: NOW)
    view = api.get_document(Principal("c1", frozenset({"caseworker"}), team="team-a"), "D1")
    body = json.loads(view.model_dump_json(by_alias=True))
    assert body["mrz"]["checks"] == ALL_FIVE
    assert body["mrz"]["format"] == "TD3" and body["mrz"]["valid"] is True
    assert any(r.startswith("birth date") for r in body["mrz"]["repairs"])
    assert body["fields"]["birthDate"]["value"] == "1974-08-12"
