"""The API's domain: upload validation, roles, tenant isolation, submission state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from eakte.adapters.memory import MemoryAuditTrail, MemoryObjectStore, MemoryRecordStore
from eakte.auth import Principal
from eakte.errors import ForbiddenError, NotFoundError
from eakte.logic.api_service import SEARCH_LIMIT, ApiService, BadRequestError, safe_filename, submission_state
from eakte.logic.intake import Buckets
from eakte.models.api import UploadRequest
from eakte.models.document import Document, DocumentStatus, Dossier, SubmissionKind

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
SENDER = Principal("u1", frozenset({"municipality"}), tenant="bfs-261")
OTHER_SENDER = Principal("u2", frozenset({"municipality"}), tenant="bfs-351")
CASEWORKER = Principal("c1", frozenset({"caseworker"}), team="team-a")
AUDITOR = Principal("a1", frozenset({"auditor"}))


@pytest.fixture
def api() -> ApiService:
    return ApiService(MemoryRecordStore(), MemoryObjectStore(), Buckets("intake", "archive"), MemoryAuditTrail(),
                      clock=lambda: NOW)


def upload(api: ApiService, who: Principal = SENDER, **over: object) -> str:
    body = {"kind": "scan", "filename": "pass.pdf", "contentType": "application/pdf", "size": 1000} | over
    return api.create_upload(who, UploadRequest.model_validate(body)).submission_id


def test_upload_presigns_under_the_senders_prefix(api: ApiService) -> None:
    r = api.create_upload(SENDER, UploadRequest(kind=SubmissionKind.SCAN, filename="../../etc/pass.pdf",
                                                content_type="application/pdf", size=1000))
    assert r.upload.fields["key"] == f"incoming/bfs-261/{r.submission_id}/pass.pdf"
    assert r.expires_at == NOW + timedelta(minutes=15)
    assert api.get_submission(SENDER, r.submission_id).status == "UPLOAD_PENDING"


@pytest.mark.parametrize(("over", "code"), [
    ({"contentType": "application/zip", "filename": "a.zip"}, "unsupported_type"),
    ({"contentType": "application/xml", "filename": "a.xml"}, "unsupported_type"),  # xml is no scan
    ({"filename": "a.png"}, "type_mismatch"),
    ({"size": 0}, "empty"),
    ({"size": 51 * 1024 * 1024}, "too_large"),
    ({"kind": "message", "contentType": "application/xml", "filename": "m.xml", "size": 6 * 1024 * 1024},
     "too_large"),
    ({"filename": "..."}, "invalid_filename"),
])
def test_bad_uploads_are_refused_with_a_code(api: ApiService, over: dict[str, object], code: str) -> None:
    with pytest.raises(BadRequestError) as e:
        upload(api, **over)
    assert e.value.code == code


@pytest.mark.parametrize(("concerns", "code"), [
    ({"surname": "Al Hassan"}, "concerns_incomplete"),  # a name alone identifies no one
    ({"givenNames": "Rami", "birthDate": "1990-02-01"}, "concerns_incomplete"),
    ({"ahvNumber": "756.1234.5678.98"}, "invalid_ahv"),  # check digit wrong
    ({"zemisNumber": "1234-567x"}, "invalid_zemis"),
    ({"azrNumber": "12345678901"}, "invalid_azr"),  # 11 digits
])
def test_bad_concerns_are_refused_with_a_code(api: ApiService, concerns: dict[str, str], code: str) -> None:
    with pytest.raises(BadRequestError) as e:
        upload(api, concerns=concerns)
    assert e.value.code == code


def test_concerns_are_for_scans_and_kept_with_the_submission(api: ApiService) -> None:
    with pytest.raises(BadRequestError) as e:
        upload(api, kind="message", contentType="application/xml", filename="m.xml",
               concerns={"ahvNumber": "756.1234.5678.97"})
    assert e.value.code == "concerns_not_for_messages"
    submission_id = upload(api, concerns={"surname": "Al Hassan", "givenNames": "Rami", "birthDate": "1990-02-01"})
    concerns = api.get_submission(SENDER, submission_id).concerns
    assert concerns is not None and concerns.surname == "Al Hassan" and concerns.birth_date == date(1990, 2, 1)
    assert upload(api, concerns={"ahvNumber": "756.1234.5678.97"})


def test_only_senders_upload(api: ApiService) -> None:
    with pytest.raises(ForbiddenError):
        upload(api, CASEWORKER)
    with pytest.raises(ForbiddenError):
        upload(api, Principal("x", frozenset({"municipality"})))  # no tenant claim


def test_a_sender_cannot_see_another_senders_submission(api: ApiService) -> None:
    submission_id = upload(api)
    with pytest.raises(NotFoundError):
        api.get_submission(OTHER_SENDER, submission_id)
    assert api.get_submission(CASEWORKER, submission_id).submission_id == submission_id
    with pytest.raises(ForbiddenError):
        api.get_submission(AUDITOR, submission_id)
    assert [s.submission_id for s in api.list_submissions(SENDER)] == [submission_id]
    assert api.list_submissions(OTHER_SENDER) == []


def test_only_caseworkers_read_documents_and_dossiers(api: ApiService) -> None:
    for call in (lambda p: api.get_document(p, "d"), api.inbox,
                 lambda p: api.find_dossiers(p, "Haddad", None, None), lambda p: api.get_dossier(p, "D-1")):
        for who in (SENDER, AUDITOR):
            with pytest.raises(ForbiddenError):
                call(who)


def test_dossier_search_needs_a_criterion_and_a_valid_date(api: ApiService) -> None:
    with pytest.raises(BadRequestError) as e:
        api.find_dossiers(CASEWORKER, None, None, None)
    assert e.value.code == "missing_query"
    with pytest.raises(BadRequestError) as e:
        api.find_dossiers(CASEWORKER, None, "21.11.1990", None)
    assert e.value.code == "invalid_birth_date"


def test_dossier_search_by_name_birth_date_and_reference(api: ApiService) -> None:
    records = api._records
    records.create_dossier(Dossier(dossier_id="D-1", surname="Müller", given_names="Amina",
                                birth_date=date(1990, 3, 12), reference_numbers={"ahvNumber": "756.1234.5678.97"},
                                created_at=NOW))
    assert [d.dossier_id for d in api.find_dossiers(CASEWORKER, "mull", None, None).items] == ["D-1"]
    assert [d.dossier_id for d in api.find_dossiers(CASEWORKER, None, "1990-03-12", None).items] == ["D-1"]
    assert [d.dossier_id for d in api.find_dossiers(CASEWORKER, None, None, "7561234567897").items] == ["D-1"]
    assert api.find_dossiers(CASEWORKER, "Haddad", None, None).items == []


def test_a_search_that_matches_more_than_it_lists_says_so(api: ApiService) -> None:
    def youssef(i: int) -> None:
        api._records.create_dossier(Dossier(dossier_id=f"D-Y{i:02d}", surname="Youssef", given_names=f"Name{i}",
                                            birth_date=date(1980, 1, 1 + i), created_at=NOW))

    for i in range(SEARCH_LIMIT):
        youssef(i)
    exactly = api.find_dossiers(CASEWORKER, "Youssef", None, None)
    assert len(exactly.items) == SEARCH_LIMIT and not exactly.truncated
    youssef(SEARCH_LIMIT)
    many = api.find_dossiers(CASEWORKER, "Youssef", None, None)
    assert len(many.items) == SEARCH_LIMIT and many.truncated
    one_day = api.find_dossiers(CASEWORKER, "Yusuf", "1980-01-03", None)  # narrowed by the birth date
    assert [d.dossier_id for d in one_day.items] == ["D-Y02"] and not one_day.truncated


def _doc(status: DocumentStatus) -> Document:
    return Document(document_id="d", submission_id="s", tenant="t", kind=SubmissionKind.SCAN, status=status,
                    filename="f.pdf", source_bucket="b", source_key="k", received_at=NOW, updated_at=NOW)


def test_submission_state_follows_its_documents(api: ApiService) -> None:
    upload(api)
    sub = next(iter(api._records.submissions.values()))
    assert submission_state(sub, [], NOW) == "UPLOAD_PENDING"
    assert submission_state(sub, [], NOW + timedelta(hours=1)) == "UPLOAD_EXPIRED"
    assert submission_state(sub, [_doc(DocumentStatus.OCR_DONE)], NOW) == "PROCESSING"
    assert submission_state(sub, [_doc(DocumentStatus.INDEXED)], NOW) == "COMPLETED"
    assert submission_state(sub, [_doc(DocumentStatus.REJECTED)], NOW) == "REJECTED"
    assert submission_state(sub, [_doc(DocumentStatus.NEEDS_REVIEW)], NOW) == "NEEDS_REVIEW"


@pytest.mark.parametrize(("raw", "safe"), [
    ("Pass Müller.pdf", "Pass Müller.pdf"),
    ("..\\..\\win.ini.pdf", "win.ini.pdf"),
    ("a\u202egpj.pdf", "agpj.pdf"),  # right-to-left override removed
    ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ("name;rm -rf.png", "name_rm -rf.png"),
])
def test_safe_filename(raw: str, safe: str) -> None:
    assert safe_filename(raw) == safe


def _indexed_world(api: ApiService) -> None:
    api._records.create_dossier(Dossier(dossier_id="D-1", surname="Haddad", given_names="Amina",
                                     birth_date=date(1990, 3, 12), created_at=NOW))
    api._records.create_document(_doc(DocumentStatus.NEEDS_REVIEW).model_copy(
        update={"document_type": "other", "confidence": 0.3, "reason": "low_confidence"}))


def test_correction_sets_type_and_dossier_and_is_audited(api: ApiService) -> None:
    from eakte.models.api import CorrectionRequest

    _indexed_world(api)
    who = Principal("c1", frozenset({"caseworker"}), team="team-a", source_ip="10.1.2.3")
    view = api.correct_document(who, "d", CorrectionRequest.model_validate(
        {"documentType": "payslip", "dossierId": "D-1", "reason": "Lohnabrechnung Mai"}))
    assert (view.document_type, view.dossier_id, view.status) == ("payslip", "D-1", DocumentStatus.INDEXED)
    assert view.confidence == 1.0
    assert api._records.get_document("d").dossier_id == "D-1"
    assert [d.document_id for d in api._records.documents_of_dossier("D-1")] == ["d"]
    (event,) = api._audit.events(dossier_id="D-1")
    assert event.action == "correct_document" and event.actor == "c1" and event.source_ip == "10.1.2.3"
    assert event.reason == "Lohnabrechnung Mai"
    assert event.details["before"]["documentType"] == "other"
    assert event.details["after"]["documentType"] == "payslip"


def test_bad_corrections_are_refused(api: ApiService) -> None:
    from eakte.errors import ConflictError
    from eakte.models.api import CorrectionRequest

    _indexed_world(api)
    with pytest.raises(BadRequestError) as e:
        api.correct_document(CASEWORKER, "d", CorrectionRequest())
    assert e.value.code == "empty_correction"
    with pytest.raises(BadRequestError) as e:
        api.correct_document(CASEWORKER, "d", CorrectionRequest(dossier_id="D-404"))
    assert e.value.code == "unknown_dossier"
    with pytest.raises(ForbiddenError):
        api.correct_document(SENDER, "d", CorrectionRequest(dossier_id="D-1"))
    api._records.save_document(_doc(DocumentStatus.OCR_DONE), None)
    with pytest.raises(ConflictError):
        api.correct_document(CASEWORKER, "d", CorrectionRequest(dossier_id="D-1"))


def test_reads_are_audited_and_only_auditors_read_the_trail(api: ApiService) -> None:
    _indexed_world(api)
    api.get_dossier(CASEWORKER, "D-1")
    api.find_dossiers(CASEWORKER, "Haddad", None, None)
    api.get_document(CASEWORKER, "d")
    actions = [e.action for e in api.audit_events(AUDITOR, None)]
    assert sorted(actions) == ["read_document", "read_dossier", "search_dossiers"]
    assert [e.action for e in api.audit_events(AUDITOR, "D-1")] == ["read_dossier"]
    for who in (CASEWORKER, SENDER):
        with pytest.raises(ForbiddenError):
            api.audit_events(who, None)
