"""What dossiers learn from their documents (logic.learning): the AHV number of a page that shows
exactly one, from filings that identify the person with certainty; and what they forget when a
caseworker moves such a document to another dossier."""

from __future__ import annotations

from datetime import UTC, date, datetime

from eakte.adapters.memory import MemoryAuditTrail, MemoryObjectStore, MemoryQueue, MemoryRecordStore
from eakte.auth import Principal
from eakte.logic.addresses import address_key
from eakte.logic.api_service import ApiService
from eakte.logic.intake import Buckets
from eakte.logic.stages import IndexStage
from eakte.models.api import CorrectionRequest
from eakte.models.document import (
    DeclaredPerson,
    Document,
    DocumentStatus,
    DocumentType,
    Dossier,
    ExtractedField,
    FieldSource,
    StageMessage,
    Submission,
    SubmissionKind,
)
from eakte.recognition.fields import AHV_AMONG_OTHERS, AHV_CONFIDENCE, extract_fields

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
AHV = "756.1234.5678.97"
OTHER_AHV = "756.9217.0769.85"
CASEWORKER = Principal("c1", frozenset({"caseworker"}), team="team-a")


def _dossier(did: str, given: str, birth: str, **refs: str) -> Dossier:
    return Dossier(dossier_id=did, surname="Al Hassan", given_names=given, birth_date=date.fromisoformat(birth),
                   nationality="SYR", sex="M", reference_numbers=refs, created_at=NOW, team="team-a")


RAMI = _dossier("D-RAMI", "Rami", "1991-03-14")
RAMI_NAMESAKE = _dossier("D-RAMI-2", "Rami", "1979-08-30")
KARIM = _dossier("D-KARIM", "Karim", "1991-03-14")


def _payslip(doc_id: str, ahv: str | None = None, ahv_confidence: float = AHV_CONFIDENCE,
             submission_id: str = "S1", **shown: str) -> Document:
    fields = {k: ExtractedField(value=v, confidence=0.8, source=FieldSource.TEXT) for k, v in shown.items()}
    if ahv is not None:  # as recognition.fields reads it: alone on the page, or among others
        fields["ahvNumber"] = ExtractedField(value=ahv, confidence=ahv_confidence, source=FieldSource.TEXT)
    return Document(document_id=doc_id, submission_id=submission_id, tenant="t", kind=SubmissionKind.SCAN,
                    status=DocumentStatus.CLASSIFIED, filename="x.pdf", source_bucket="in", source_key="k",
                    document_type=DocumentType.PAYSLIP, confidence=0.95, received_at=NOW, updated_at=NOW,
                    fields=fields)


def _index(records: MemoryRecordStore, doc: Document) -> Document:
    records.create_document(doc)
    stage = IndexStage(records, MemoryObjectStore(), MemoryQueue(), Buckets("in", "arch"), clock=lambda: NOW)
    stage.review_threshold = 0.9
    out = stage.run(StageMessage(document_id=doc.document_id))
    assert out is not None
    return out


def _records(*dossiers: Dossier) -> MemoryRecordStore:
    records = MemoryRecordStore()
    for d in dossiers:
        records.create_dossier(d)
    return records


def test_a_page_with_one_ahv_number_teaches_it_and_the_next_payslip_is_filed_by_it() -> None:
    records = _records(RAMI, RAMI_NAMESAKE, KARIM)
    first = _index(records, _payslip("DOC-1", AHV, surname="AL HASAN", givenNames="RAMI", birthDate="1991-03-14"))
    assert first.dossier_id == "D-RAMI" and first.status is DocumentStatus.INDEXED
    learnt = records.get_dossier("D-RAMI")
    assert learnt is not None
    assert learnt.reference_numbers == {"ahvNumber": AHV} and learnt.reference_sources == {"ahvNumber": "DOC-1"}
    # the next payslip shows the name and the number, no birth date: two Ramis, the number decides
    later = _index(records, _payslip("DOC-2", AHV, surname="AL HASAN", givenNames="RAMI"))
    assert later.status is DocumentStatus.INDEXED and later.dossier_id == "D-RAMI"
    assert "ahvNumber matches" in later.candidates[0].reason
    # learnt once, kept: a later page with another number does not replace it
    _index(records, _payslip("DOC-3", OTHER_AHV, surname="AL HASAN", givenNames="RAMI", birthDate="1991-03-14"))
    assert records.get_dossier("D-RAMI").reference_numbers == {"ahvNumber": AHV}  # type: ignore[union-attr]


def test_a_page_with_several_ahv_numbers_teaches_none() -> None:
    records = _records(RAMI)
    doc = _index(records, _payslip("DOC-1", AHV, ahv_confidence=AHV_AMONG_OTHERS, surname="AL HASAN",
                                   givenNames="RAMI", birthDate="1991-03-14"))
    assert doc.dossier_id == "D-RAMI"  # filed by name and birth date, as before
    assert records.get_dossier("D-RAMI").reference_numbers == {}  # type: ignore[union-attr]


def test_a_number_another_dossier_holds_is_not_learnt() -> None:
    rami = _dossier("D-RAMI", "Rami", "1991-03-14", zemisNumber="12345678")
    records = _records(rami, _dossier("D-OMAR", "Omar", "1960-01-20", ahvNumber=AHV))
    alone = _index(records, _payslip("DOC-1", AHV, surname="AL HASAN", givenNames="RAMI", birthDate="1991-03-14"))
    assert alone.dossier_id is None  # the number points at Omar and the names contradict him: the inbox
    # with Rami's ZEMIS number beside it the page is filed in Rami's dossier, which does not learn Omar's
    doc = _index(records, _payslip("DOC-2", AHV, surname="AL HASAN", givenNames="RAMI", birthDate="1991-03-14",
                                   zemisNumber="12345678"))
    assert doc.dossier_id == "D-RAMI"
    assert records.get_dossier("D-RAMI").reference_numbers == {"zemisNumber": "12345678"}  # type: ignore[union-attr]


def test_the_uploaders_word_teaches_the_address_but_not_the_number() -> None:
    records = _records(RAMI, KARIM)
    records.put_submission(Submission(submission_id="S-1", tenant="t", kind=SubmissionKind.SCAN, filename="x.pdf",
                                      content_type="application/pdf", declared_size=1, created_by="u",
                                      created_at=NOW, expires_at=NOW, object_key="k",
                                      concerns=DeclaredPerson(surname="Al Hassan", given_names="Rami",
                                                              birth_date=date(1991, 3, 14))))
    doc = _index(records, _payslip("DOC-1", AHV, submission_id="S-1", surname="AL HASAN", givenNames="RAMI",
                                   address="Zürcherstrasse 112, 8406 Winterthur"))
    assert doc.dossier_id == "D-RAMI" and "named by the uploader" in doc.candidates[0].reason
    assert records.dossier_addresses("D-RAMI") == [("Zürcherstrasse 112, 8406 Winterthur", "DOC-1")]
    assert records.get_dossier("D-RAMI").reference_numbers == {}  # type: ignore[union-attr]


def test_moving_a_document_out_makes_its_dossier_forget_what_it_taught() -> None:
    records = _records(RAMI, KARIM)
    # Karim's payslip, read with Rami's name (an OCR or a typing error), is filed in Rami's dossier
    wrong = _index(records, _payslip("DOC-1", AHV, surname="AL HASAN", givenNames="RAMI", birthDate="1991-03-14",
                                     address="Seestrasse 4, 8002 Zürich"))
    assert wrong.dossier_id == "D-RAMI"
    assert records.get_dossier("D-RAMI").reference_numbers == {"ahvNumber": AHV}  # type: ignore[union-attr]
    api = ApiService(records, MemoryObjectStore(), Buckets("in", "arch"), MemoryAuditTrail(), clock=lambda: NOW)
    view = api.correct_document(CASEWORKER, "DOC-1", CorrectionRequest(dossier_id="D-KARIM", reason="Karims Lohn"))
    assert view.dossier_id == "D-KARIM"
    rami = records.get_dossier("D-RAMI")
    assert rami is not None and rami.reference_numbers == {} and rami.reference_sources == {}
    assert records.dossier_addresses("D-RAMI") == []
    assert records.dossiers_at(address_key("Seestrasse 4, 8002 Zürich") or "", 5) == ["D-KARIM"]
    # a caseworker's filing is certain: the right dossier learns both
    karim = api.get_dossier(CASEWORKER, "D-KARIM")
    assert karim.reference_numbers == {"ahvNumber": AHV} and karim.reference_sources == {"ahvNumber": "DOC-1"}
    assert [a.address for a in karim.addresses] == ["Seestrasse 4, 8002 Zürich"]
    # and Rami's next payslip with the number goes nowhere near Karim's dossier by Rami's name
    rami_later = _index(records, _payslip("DOC-2", AHV, surname="AL HASAN", givenNames="RAMI"))
    assert rami_later.dossier_id is None


def test_a_correction_keeps_what_other_documents_taught() -> None:
    records = _records(RAMI, KARIM)
    _index(records, _payslip("DOC-1", AHV, surname="AL HASAN", givenNames="RAMI", birthDate="1991-03-14"))
    other = _index(records, _payslip("DOC-2", None, surname="AL HASAN", givenNames="RAMI", birthDate="1991-03-14"))
    api = ApiService(records, MemoryObjectStore(), Buckets("in", "arch"), MemoryAuditTrail(), clock=lambda: NOW)
    api.correct_document(CASEWORKER, other.document_id, CorrectionRequest(dossier_id="D-KARIM"))
    assert records.get_dossier("D-RAMI").reference_numbers == {"ahvNumber": AHV}  # type: ignore[union-attr]


def test_extraction_marks_an_ahv_number_among_others() -> None:
    one = extract_fields("Lohnabrechnung Mai\nAHV-Nr. 756.1234.5678.97\nBruttolohn 5200.00\n")
    assert one["ahvNumber"].value == AHV and one["ahvNumber"].confidence == AHV_CONFIDENCE
    twice = extract_fields("AHV-Nr. 756.1234.5678.97\nVersicherte Person AHV 7561234567897\n")
    assert twice["ahvNumber"].confidence == AHV_CONFIDENCE  # the same number twice is still one
    family = extract_fields("Versicherte: AHV 756.1234.5678.97\nEhegatte: AHV 756.9217.0769.85\n")
    assert family["ahvNumber"].value == AHV and family["ahvNumber"].confidence == AHV_AMONG_OTHERS
