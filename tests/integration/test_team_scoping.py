"""Caseworkers see only their team's dossiers: through the real API handler against moto, with the
records written by the real pipeline (routing to a team) and directly (moving a dossier)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from eakte import wiring
from eakte.exchange import wiring as exchange_wiring
from eakte.exchange.model import FederalMessage, MessageKind, MessageStatus
from eakte.models.document import Document, DocumentStatus, Dossier, DossierCandidate, SubmissionKind
from eakte.settings import TEAM_OF_TENANT, Stage
from tests.conftest import encode, text_image
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration

TEAM_B_TENANT = "bfs-351"
CONTRACT = ["ARBEITSVERTRAG", "zwischen der Muster Bau AG, Bern (Arbeitgeberin)",
            "und Herr Yonas Gebremedhin, geboren am 02.07.1988 (Arbeitnehmer)", "Lohn: CHF 4900 brutto pro Monat"]


def _tokens(h: Harness) -> dict[str, str]:
    return {"a": h.token(["caseworker"], subject="sb-team-a", team="team-a"),
            "b": h.token(["caseworker"], subject="sb-team-b", team="team-b"),
            "lead": h.token(["teamlead"], subject="teamleitung")}


def _ids(items: list[dict]) -> set[str]:
    return {i.get("messageId") or i.get("documentId") or i.get("dossierId") for i in items}


def test_a_document_without_dossier_waits_in_the_inbox_of_the_submitters_team(h: Harness) -> None:
    assert TEAM_OF_TENANT[TEAM_B_TENANT] == "team-b"
    sender = h.token(["municipality"], municipality=TEAM_B_TENANT)
    submission_id = h.upload(sender, "vertrag.png", encode(text_image(CONTRACT, size=(1200, 500)), "PNG"),
                             "image/png")
    for stage in (Stage.INTAKE, Stage.OCR, Stage.CLASSIFY, Stage.INDEX):
        assert h.pump(stage) == 1
    _, view = h.api("GET", f"/api/submissions/{submission_id}", sender)
    document_id = view["documents"][0]["documentId"]
    assert view["documents"][0]["status"] == "NEEDS_REVIEW"  # a contract opens no dossier
    assert wiring.records().get_document(document_id).team == "team-b"

    t = _tokens(h)
    assert document_id in _ids(h.api("GET", "/api/inbox", t["b"])[1]["items"])
    assert document_id in _ids(h.api("GET", "/api/inbox", t["lead"])[1]["items"])
    assert document_id not in _ids(h.api("GET", "/api/inbox", t["a"])[1]["items"])
    assert h.api("GET", f"/api/documents/{document_id}", t["b"])[0] == 200
    for path in (f"/api/documents/{document_id}", f"/api/documents/{document_id}/content",
                 f"/api/submissions/{submission_id}"):
        status, body = h.api("GET", path, t["a"])
        assert (status, body["error"]["code"]) == (404, "not_found"), path
    status, _ = h.api("PATCH", f"/api/documents/{document_id}", t["a"], {"documentType": "payslip"})
    assert status == 404


def _world(h: Harness, suffix: str, team: str | None) -> tuple[str, str, str]:
    """A dossier (of `team`; None: stored before teams existed) with a filed document, one filed with
    low confidence (in the inbox), and one in the inbox without a dossier that names it as candidate."""
    now = datetime.now(UTC)
    records = wiring.records()
    dossier_id, filed, waiting = f"D-TEAM-{suffix}", f"doc-team-{suffix}", f"doc-team-{suffix}-inbox"
    records.create_dossier(Dossier(dossier_id=dossier_id, surname=f"Okonkwo{suffix}", given_names="Chidi",
                                birth_date=date(1979, 11, 3), created_at=now, team=team))
    base = dict(submission_id=f"sub-team-{suffix}", tenant="bfs-261", kind=SubmissionKind.SCAN, filename="a.pdf",
                source_bucket=h.aws.intake_bucket, source_key="incoming/x", received_at=now, updated_at=now)
    records.create_document(Document(document_id=filed, status=DocumentStatus.INDEXED, dossier_id=dossier_id,
                                     document_type="payslip", confidence=0.9, team=team, **base))
    records.create_document(Document(
        document_id=waiting, status=DocumentStatus.NEEDS_REVIEW, reason="no_dossier_match", team=team,
        document_type="correspondence", confidence=0.9,
        candidates=[DossierCandidate(dossier_id=dossier_id, score=0.6, reason="surname matches")], **base))
    records.create_document(Document(
        document_id=f"{filed}-unsure", status=DocumentStatus.NEEDS_REVIEW, reason="low_confidence", team=team,
        dossier_id=dossier_id, document_type="other", confidence=0.3, **base))
    return dossier_id, filed, waiting


def test_a_team_lead_moves_a_dossier_and_its_inbox_documents_to_another_team(h: Harness) -> None:
    suffix = uuid.uuid4().hex[:6].upper()
    dossier_id, filed, waiting = _world(h, suffix, "team-a")
    t = _tokens(h)
    assert h.api("GET", f"/api/dossiers/{dossier_id}", t["a"])[0] == 200
    assert h.api("GET", f"/api/dossiers/{dossier_id}", t["b"])[0] == 404
    assert _ids(h.api("GET", f"/api/dossiers?q=Okonkwo{suffix}", t["b"])[1]["items"]) == set()
    assert h.api("GET", f"/api/dossiers?q=Okonkwo{suffix}", t["a"])[1]["items"][0]["team"] == "team-a"
    # the caseworker of team a sees the candidate; team b neither the document nor the candidate
    _, inbox_a = h.api("GET", "/api/inbox", t["a"])
    assert [c["dossierId"] for i in inbox_a["items"] if i["documentId"] == waiting for c in i["candidates"]] \
        == [dossier_id]

    status, body = h.api("PATCH", f"/api/dossiers/{dossier_id}", t["a"], {"team": "team-b"})
    assert (status, body["error"]["code"]) == (403, "forbidden")
    status, body = h.api("PATCH", f"/api/dossiers/{dossier_id}", t["lead"], {"team": "team-z"})
    assert (status, body["error"]["code"]) == (400, "unknown_team")
    status, moved = h.api("PATCH", f"/api/dossiers/{dossier_id}", t["lead"],
                          {"team": "team-b", "reason": "Wohnsitzwechsel nach Bern"})
    assert status == 200 and moved["team"] == "team-b"
    unsure = f"{filed}-unsure"
    assert {d["documentId"] for d in moved["documents"]} == {filed, unsure}

    assert h.api("GET", f"/api/dossiers/{dossier_id}", t["a"])[0] == 404
    assert h.api("GET", f"/api/documents/{filed}", t["a"])[0] == 404
    inbox_a, inbox_b = (_ids(h.api("GET", "/api/inbox", t[team])[1]["items"]) for team in "ab")
    assert unsure in inbox_b and unsure not in inbox_a  # filed with low confidence: follows its dossier
    assert waiting in inbox_a and waiting not in inbox_b  # no dossier: stays in the inbox it was routed to
    assert h.api("GET", f"/api/dossiers/{dossier_id}", t["b"])[0] == 200
    assert h.api("GET", f"/api/documents/{filed}", t["b"])[0] == 200
    _, view = h.api("GET", f"/api/documents/{waiting}", t["a"])
    assert view["candidates"] == []  # its candidate dossier is team b's now

    auditor = h.token(["auditor"], subject="revision")
    _, trail = h.api("GET", f"/api/audit?dossierId={dossier_id}", auditor)
    (event,) = [e for e in trail["items"] if e["action"] == "reassign_dossier"]
    assert event["actor"] == "teamleitung" and event["reason"] == "Wohnsitzwechsel nach Bern"
    assert event["details"] == {"before": {"team": "team-a"}, "after": {"team": "team-b"}}


def test_candidates_of_another_team_are_left_out(h: Harness) -> None:
    suffix = uuid.uuid4().hex[:6].upper()
    dossier_id, _, waiting = _world(h, suffix, "team-a")
    records = wiring.records()
    doc = records.get_document(waiting)
    records.save_document(doc.model_copy(update={"team": "team-b"}), expected_status=doc.status)  # b's inbox
    t = _tokens(h)
    _, view = h.api("GET", f"/api/documents/{waiting}", t["b"])
    assert view["candidates"] == []  # a dossier of team a: not even its id
    _, view = h.api("GET", f"/api/documents/{waiting}", t["lead"])
    assert [c["dossierId"] for c in view["candidates"]] == [dossier_id]
    status, body = h.api("PATCH", f"/api/documents/{waiting}", t["b"], {"dossierId": dossier_id})
    assert (status, body["error"]["code"]) == (400, "unknown_dossier")


def test_a_dossier_from_before_teams_belongs_to_the_default_team(h: Harness) -> None:
    suffix = uuid.uuid4().hex[:6].upper()
    dossier_id, filed, _ = _world(h, suffix, None)
    t = _tokens(h)
    _, view = h.api("GET", f"/api/dossiers/{dossier_id}", t["a"])
    assert view["team"] == "team-a"
    assert h.api("GET", f"/api/documents/{filed}", t["b"])[0] == 404


def test_federal_messages_follow_the_dossiers_team(h: Harness) -> None:
    suffix = uuid.uuid4().hex[:6].upper()
    dossier_id, filed, _ = _world(h, suffix, "team-a")
    now = datetime.now(UTC)
    message_id = f"msg-team-{suffix}"
    exchange_wiring.messages().create(FederalMessage(
        message_id=message_id, kind=MessageKind.FORWARD, submission_id=f"sub-team-{suffix}", document_id=filed,
        tenant="bfs-261", dossier_id=dossier_id, message_type="2020", event="moveIn",
        status=MessageStatus.ACKNOWLEDGED, created_at=now, updated_at=now))
    t = _tokens(h)
    assert h.api("GET", f"/api/messages/{message_id}", t["a"])[0] == 200
    assert h.api("GET", f"/api/messages/{message_id}", t["b"])[0] == 404
    assert message_id in _ids(h.api("GET", f"/api/messages?dossierId={dossier_id}", t["a"])[1]["items"])
    assert message_id not in _ids(h.api("GET", f"/api/messages?dossierId={dossier_id}", t["b"])[1]["items"])
    assert message_id in _ids(h.api("GET", f"/api/messages?dossierId={dossier_id}", t["lead"])[1]["items"])


@pytest.mark.parametrize("team", [None, "team-unknown"])
def test_a_caseworker_without_a_known_team_sees_nothing(h: Harness, team: str | None) -> None:
    token = h.token(["caseworker"], subject="sb-ohne-team", team=team)
    for path in ("/api/inbox", "/api/dossiers?q=Haddad", "/api/dossiers/D-MATRIX", "/api/documents/x",
                 "/api/messages"):
        status, body = h.api("GET", path, token)
        assert (status, body["error"]["code"]) == (403, "team_required"), path
