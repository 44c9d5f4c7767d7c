"""Teams in the domain: routing new dossiers and inbox documents, the principal's scope, and reads
limited to it in the data access layer (ScopedRecords over the record store), with in-memory fakes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from eakte.adapters.memory import MemoryAuditTrail, MemoryObjectStore, MemoryQueue, MemoryRecordStore
from eakte.auth import Principal
from eakte.errors import ForbiddenError, NotFoundError, TeamRequiredError
from eakte.logic.api_service import ApiService, BadRequestError
from eakte.logic.intake import Buckets
from eakte.logic.stages import IndexStage
from eakte.logic.teams import ALL_TEAMS, ScopedRecords, TeamScope, scope_of, team_of_tenant
from eakte.models.api import CorrectionRequest, DossierChange
from eakte.models.document import (
    AuditAction,
    Document,
    DocumentStatus,
    DocumentType,
    Dossier,
    DossierCandidate,
    ExtractedField,
    FieldSource,
    StageMessage,
    SubmissionKind,
)
from eakte.ports import DossierQuery
from eakte.settings import DEFAULT_TEAM, TEAM_OF_TENANT

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
A = Principal("sb-a", frozenset({"caseworker"}), team="team-a")
B = Principal("sb-b", frozenset({"caseworker"}), team="team-b")
LEAD = Principal("lead", frozenset({"teamlead"}))


def _dossier(did: str, team: str | None, surname: str = "Haddad") -> Dossier:
    return Dossier(dossier_id=did, surname=surname, given_names="Amina", birth_date=date(1990, 3, 12),
                   created_at=NOW, team=team)


def _doc(doc_id: str, status: DocumentStatus = DocumentStatus.INDEXED, tenant: str = "bfs-261",
         **kw: object) -> Document:
    return Document(document_id=doc_id, submission_id="S1", tenant=tenant, kind=SubmissionKind.SCAN, status=status,
                    filename="x.pdf", source_bucket="in", source_key="k", received_at=NOW, updated_at=NOW, **kw)


@pytest.fixture
def records() -> MemoryRecordStore:
    r = MemoryRecordStore()
    r.create_dossier(_dossier("D-A", "team-a"))
    r.create_dossier(_dossier("D-B", "team-b"))
    r.create_dossier(_dossier("D-OLD", None))  # from before teams: the default team's
    r.create_document(_doc("doc-a", dossier_id="D-A"))
    r.create_document(_doc("doc-b", dossier_id="D-B"))
    r.create_document(_doc("inbox-a", DocumentStatus.NEEDS_REVIEW, team="team-a",
                           candidates=[DossierCandidate(dossier_id="D-A", score=0.6, reason="r"),
                                       DossierCandidate(dossier_id="D-B", score=0.6, reason="r")]))
    r.create_document(_doc("inbox-b", DocumentStatus.NEEDS_REVIEW, tenant="bfs-351"))  # routed by its sender
    return r


def test_routing_by_submitter_with_a_default() -> None:
    assert team_of_tenant("bfs-351") == TEAM_OF_TENANT["bfs-351"] == "team-b"
    assert team_of_tenant("bfs-unknown") == team_of_tenant(None) == DEFAULT_TEAM


def test_scope_of_each_role() -> None:
    assert scope_of(LEAD) is ALL_TEAMS
    assert scope_of(A) == TeamScope(frozenset({"team-a"}))
    for nobody in (Principal("x", frozenset({"caseworker"})), Principal("x", frozenset({"caseworker"}), team="t9")):
        with pytest.raises(TeamRequiredError) as e:
            scope_of(nobody)
        assert e.value.code == "team_required"
    assert scope_of(Principal("m", frozenset({"municipality"}), tenant="bfs-261")).teams == frozenset()


def test_the_data_layer_returns_nothing_of_another_team(records: MemoryRecordStore) -> None:
    """What a caller gets through ScopedRecords, whatever checks the API does or forgets."""
    b = ScopedRecords(records, scope_of(B))
    assert b.get_dossier("D-A") is None and b.get_dossier("D-OLD") is None and b.get_dossier("D-B") is not None
    assert b.get_document("doc-a") is None and b.get_document("doc-b") is not None
    assert b.documents_of_dossier("D-A") == []
    assert [d.dossier_id for d in b.find_dossiers(DossierQuery(name="Haddad"))] == ["D-B"]
    # a query asking for another team's dossiers still gets only the scope's
    assert b.find_dossiers(DossierQuery(name="Haddad", teams=frozenset({"team-a"}))) == []
    assert [d.document_id for d in b.inbox()] == ["inbox-b"]
    assert [c.dossier_id for c in b.candidates(records.get_document("inbox-a").candidates)] == ["D-B"]
    a = ScopedRecords(records, scope_of(A))
    assert {d.dossier_id for d in a.find_dossiers(DossierQuery(name="Haddad"))} == {"D-A", "D-OLD"}
    assert [d.document_id for d in a.inbox()] == ["inbox-a"]
    everyone = ScopedRecords(records, ALL_TEAMS)
    assert len(everyone.find_dossiers(DossierQuery(name="Haddad"))) == 3 and len(everyone.inbox()) == 2
    # the store itself filters search and inbox by team (DynamoDB: one inbox partition per team)
    assert records.inbox(teams=frozenset({"team-b"})) == [records.get_document("inbox-b")]
    assert [d.dossier_id for d in records.find_dossiers(DossierQuery(name="Haddad", teams=frozenset({"team-b"})))] \
        == ["D-B"]


@pytest.fixture
def api(records: MemoryRecordStore) -> tuple[ApiService, MemoryAuditTrail]:
    objects = MemoryObjectStore()
    audit = MemoryAuditTrail()
    return ApiService(records, objects, Buckets("in", "arch"), audit, clock=lambda: NOW), audit


def test_the_api_service_reads_through_the_scope(api: tuple[ApiService, MemoryAuditTrail]) -> None:
    service, audit = api
    with pytest.raises(NotFoundError):
        service.get_dossier(B, "D-A")
    with pytest.raises(NotFoundError):
        service.get_document(B, "doc-a")
    assert [d.dossier_id for d in service.find_dossiers(B, "Haddad", None, None).items] == ["D-B"]
    assert [d.document_id for d in service.inbox(B)] == ["inbox-b"]
    (inbox_a,) = service.inbox(A)
    assert [c.dossier_id for c in inbox_a.candidates] == ["D-A"]  # D-B is not team a's: left out
    with pytest.raises(BadRequestError) as e:  # filing into another team's dossier: as if it did not exist
        service.correct_document(A, "inbox-a", _correction(dossier_id="D-B"))
    assert e.value.code == "unknown_dossier"
    corrected = service.correct_document(A, "inbox-a", _correction(dossier_id="D-A"))
    assert corrected.dossier_id == "D-A"
    # nothing of team a was read by team b: no audit event of theirs names it
    assert [ev.action for ev in audit.recorded if ev.actor == "sb-b"] == [AuditAction.SEARCH_DOSSIERS]
    assert [ev.details["hits"] for ev in audit.recorded if ev.actor == "sb-b"] == [["D-B"]]


def _correction(**kw: object) -> CorrectionRequest:
    return CorrectionRequest(**kw)


def test_a_team_lead_moves_a_dossier(api: tuple[ApiService, MemoryAuditTrail], records: MemoryRecordStore) -> None:
    service, audit = api
    records.create_document(_doc("unsure-a", DocumentStatus.NEEDS_REVIEW, dossier_id="D-A", team="team-a"))
    with pytest.raises(ForbiddenError):
        service.change_dossier(A, "D-A", DossierChange(team="team-b"))
    with pytest.raises(BadRequestError):
        service.change_dossier(LEAD, "D-A", DossierChange(team="team-x"))
    with pytest.raises(NotFoundError):
        service.change_dossier(LEAD, "D-NONE", DossierChange(team="team-b"))
    view = service.change_dossier(LEAD, "D-A", DossierChange(team="team-b", reason="Umzug"))
    assert view.team == "team-b" and records.get_dossier("D-A").team == "team-b"
    assert records.get_document("unsure-a").team == "team-b"  # its inbox entry moved along
    assert service.get_dossier(B, "D-A").dossier_id == "D-A"
    with pytest.raises(NotFoundError):
        service.get_document(A, "doc-a")
    (event,) = [e for e in audit.recorded if e.action is AuditAction.REASSIGN_DOSSIER]
    assert (event.actor, event.reason, event.details) == ("lead", "Umzug", {"before": {"team": "team-a"},
                                                                             "after": {"team": "team-b"}})


def _classified(doc_id: str, tenant: str, doc_type: DocumentType, **fields: str) -> Document:
    return _doc(doc_id, DocumentStatus.CLASSIFIED, tenant=tenant, document_type=doc_type, confidence=0.95,
                fields={k: ExtractedField(value=v, confidence=0.99, source=FieldSource.MRZ) for k, v in fields.items()})


def test_the_index_stage_gives_new_dossiers_and_inbox_documents_a_team() -> None:
    records = MemoryRecordStore()
    stage = IndexStage(records, MemoryObjectStore(), MemoryQueue(), Buckets("in", "arch"), clock=lambda: NOW)
    stage.review_threshold = 0.9  # explicit, not the calibrated one: the documents below are typed at 0.95

    def index(doc: Document) -> Document:
        records.create_document(doc)
        out = stage.run(StageMessage(document_id=doc.document_id))
        assert out is not None
        return out

    opened = index(_classified("P1", "bfs-351", DocumentType.PASSPORT, surname="Tesfaye", givenNames="Dawit",
                               birthDate="1985-06-01", nationality="ERI", sex="M"))
    assert opened.status is DocumentStatus.INDEXED and opened.team == "team-b"
    assert records.get_dossier(opened.dossier_id).team == "team-b"  # type: ignore[arg-type, union-attr]
    # a later document from a team-a municipality about the same person is filed in team b's dossier
    filed = index(_classified("C1", "bfs-261", DocumentType.EMPLOYMENT_CONTRACT, surname="Tesfaye",
                              givenNames="Dawit", birthDate="1985-06-01"))
    assert filed.dossier_id == opened.dossier_id and filed.team == "team-b"
    waiting = index(_classified("C2", "bfs-261", DocumentType.PAYSLIP, surname="Nobody", birthDate="1970-01-01"))
    assert waiting.status is DocumentStatus.NEEDS_REVIEW and waiting.team == "team-a"


def test_an_ech_filing_opens_the_dossier_for_the_senders_team() -> None:
    from eakte.ports import ObjectRef
    from samples.events import event_person, person_event
    from tests.unit.test_exchange_service import World

    w = World()
    key = "documents/m1/original.xml"
    w.objects.put(ObjectRef("archive", key), person_event(event_person(7), 0), "application/xml")
    w.records.create_document(_doc("m1", DocumentStatus.RECEIVED, tenant="bfs-351", original_key=key).model_copy(
        update={"filename": "m.xml", "kind": SubmissionKind.MESSAGE}))
    w.exchange.run(StageMessage(document_id="m1"))
    doc = w.records.get_document("m1")
    assert doc is not None and doc.status is DocumentStatus.INDEXED and doc.dossier_id
    assert w.records.get_dossier(doc.dossier_id).team == "team-b"  # type: ignore[union-attr]
