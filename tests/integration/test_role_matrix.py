"""Every endpoint × every role (and a foreign tenant, a caseworker of another team, a caseworker
without a team, and no token): who gets what. The matrix is recorded as a table in
test-artifacts/role-matrix.md and every cell is checked against its expectation. A route of the API
handler (or a path of /api/openapi.json) without a row here fails the test: a new endpoint gets its
row before it ships."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from PIL import Image

from eakte import wiring
from eakte.exchange import wiring as exchange_wiring
from eakte.exchange.model import FederalMessage, MessageKind, MessageStatus
from eakte.models.document import (
    Document,
    DocumentStatus,
    Dossier,
    DossierCandidate,
    MediaType,
    SubmissionKind,
)
from tests.hostile.report import write_table
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration

OWNER = "bfs-261"
FOREIGN = "bfs-351"
TEAM = "team-a"  # the team OWNER's submissions and dossiers go to (settings.TEAM_OF_TENANT)
OTHER_TEAM = "team-b"
# role -> (groups, tenant claim, team claim)
ROLES: dict[str, tuple[list[str], str | None, str | None]] = {
    "caseworker": (["caseworker"], None, TEAM),
    "teamlead": (["teamlead"], None, None),
    "municipality": (["municipality"], OWNER, None),
    "police": (["police"], "kapo-zh", None),
    "scanner": (["scanner"], "scan-ag", None),
    "auditor": (["auditor"], None, None),
    "ops": (["ops"], None, None),
    "foreign tenant": (["municipality"], FOREIGN, None),
    "foreign team": (["caseworker"], None, OTHER_TEAM),
    "no team": (["caseworker"], None, None),
    "no token": ([], None, None),
}
# a caseworker of another team gets "not found" for the team's records (their existence is not
# revealed), lists without them; a caseworker without a team is refused (403 team_required)
READERS = {"caseworker": 200, "teamlead": 200, "foreign team": 404}
LISTS = {"caseworker": 200, "teamlead": 200, "foreign team": 200}


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str  # as in the OpenAPI spec
    path: str  # with the fixture's ids (formatted)
    expected: dict[str, int]  # role -> status; roles not named expect 403 ("no token": 401)
    body: Any = None
    case: str = ""  # which record, where one endpoint has rows for several

    @property
    def label(self) -> str:
        return f"{self.method} {self.template}" + (f" ({self.case})" if self.case else "")


def _endpoints(ids: dict[str, str]) -> list[Endpoint]:
    uploaders = {"municipality": 200, "police": 200, "scanner": 200, "foreign tenant": 200}
    return [
        Endpoint("POST", "/api/uploads", "/api/uploads", uploaders,
                 {"kind": "scan", "filename": "a.pdf", "contentType": "application/pdf", "size": 100}),
        Endpoint("GET", "/api/submissions", "/api/submissions", uploaders),
        Endpoint("GET", "/api/submissions/{submission_id}", f"/api/submissions/{ids['submission']}",
                 {**READERS, "municipality": 200, "police": 404, "scanner": 404, "foreign tenant": 404}),
        Endpoint("GET", "/api/documents/{document_id}", f"/api/documents/{ids['document']}", READERS),
        Endpoint("GET", "/api/documents/{document_id}/content", f"/api/documents/{ids['document']}/content",
                 READERS),
        Endpoint("GET", "/api/documents/{document_id}/pages/{page}", f"/api/documents/{ids['document']}/pages/1",
                 READERS),
        Endpoint("PATCH", "/api/documents/{document_id}", f"/api/documents/{ids['document']}", READERS,
                 {"documentType": "employment_contract", "reason": "role matrix"}),
        Endpoint("GET", "/api/inbox", "/api/inbox", LISTS),
        Endpoint("GET", "/api/dossiers", "/api/dossiers?q=Haddad", LISTS),
        Endpoint("GET", "/api/dossiers/{dossier_id}", f"/api/dossiers/{ids['dossier']}", READERS),
        Endpoint("PATCH", "/api/dossiers/{dossier_id}", f"/api/dossiers/{ids['dossier']}", {"teamlead": 200},
                 {"team": TEAM, "reason": "role matrix"}),
        # a caseworker's decision about the person goes to the federal register: the office's own
        # staff of the dossier's team (and team leads) only; 201 each time (a new request, no request id)
        Endpoint("POST", "/api/dossiers/{dossier_id}/messages", f"/api/dossiers/{ids['dossier']}/messages",
                 {**READERS, "caseworker": 201, "teamlead": 201},
                 {"event": "changeResidencePermit", "residencePermit": "02", "residencePermitValidFrom": "2026-11-01",
                  "comment": "role matrix"}),
        Endpoint("GET", "/api/messages", "/api/messages", {**LISTS, "municipality": 200, "police": 200,
                                                           "foreign tenant": 200}),
        # the status of the federal message of a submission: its sender and the dossier's team (and team
        # leads) read it; another municipality, the police and another team learn nothing (404); scanners,
        # auditors and ops have no business with federal messages (403)
        Endpoint("GET", "/api/messages/{message_id}", f"/api/messages/{ids['message']}",
                 {**READERS, "municipality": 200, "police": 404, "foreign tenant": 404},
                 case=f"of {OWNER}'s submission, dossier of {TEAM}"),
        Endpoint("GET", "/api/messages/{message_id}", f"/api/messages/{ids['foreign message']}",
                 {"caseworker": 404, "teamlead": 200, "municipality": 404, "police": 404, "foreign tenant": 200,
                  "foreign team": 200}, case=f"of {FOREIGN}'s submission, routed to {OTHER_TEAM}"),
        Endpoint("GET", "/api/teams", "/api/teams", LISTS),
        Endpoint("GET", "/api/audit", f"/api/audit?dossierId={ids['dossier']}", {"auditor": 200}),
        Endpoint("GET", "/api/ops/overview", "/api/ops/overview", {"ops": 200}),
        Endpoint("GET", "/api/openapi.json", "/api/openapi.json", {r: 200 for r in ROLES}),
    ]


def _original_pdf() -> bytes:
    out = io.BytesIO()
    Image.new("L", (600, 850), 255).save(out, "PDF", resolution=72)
    return out.getvalue()


def _message(message_id: str, submission_id: str, tenant: str, dossier_id: str | None) -> FederalMessage:
    now = datetime.now(UTC)
    return FederalMessage(message_id=message_id, kind=MessageKind.FORWARD, submission_id=submission_id,
                          document_id=f"{submission_id}-doc", tenant=tenant, dossier_id=dossier_id,
                          message_type="2020", event="moveIn", status=MessageStatus.ACKNOWLEDGED,
                          correlation_id=submission_id, created_at=now, updated_at=now)


def _world(h: Harness) -> dict[str, str]:
    """A submission of OWNER with one document (its original stored, so pages render), indexed into
    a dossier with the person data a federal message needs; the federal message of that submission,
    and one of a FOREIGN tenant's submission."""
    sender = h.token(["municipality"], municipality=OWNER)
    status, upload = h.api("POST", "/api/uploads", sender, {"kind": "scan", "filename": "vertrag.pdf",
                                                            "contentType": "application/pdf", "size": 100})
    assert status == 200
    now = datetime.now(UTC)
    records = wiring.records()
    records.create_dossier(Dossier(dossier_id="D-MATRIX", surname="Haddad", given_names="Amina",
                                birth_date=date(1990, 3, 12), nationality="SYR", sex="F",
                                reference_numbers={"ahvNumber": "756.9217.0769.85"}, created_at=now, team=TEAM))
    h.s3.put_object(Bucket=h.aws.archive_bucket, Key="documents/doc-matrix/original.pdf", Body=_original_pdf(),
                    ContentType="application/pdf")
    records.create_document(Document(
        document_id="doc-matrix", submission_id=upload["submissionId"], tenant=OWNER, kind=SubmissionKind.SCAN,
        status=DocumentStatus.INDEXED, filename="vertrag.pdf", source_bucket=h.aws.intake_bucket,
        source_key=upload["upload"]["fields"]["key"], original_key="documents/doc-matrix/original.pdf",
        media_type=MediaType.PDF, pages=1, document_type="employment_contract", confidence=0.9,
        dossier_id="D-MATRIX", received_at=now, updated_at=now))
    # and one in the team's inbox, with the dossier as candidate
    records.create_document(Document(
        document_id="doc-matrix-inbox", submission_id=upload["submissionId"], tenant=OWNER,
        kind=SubmissionKind.SCAN, status=DocumentStatus.NEEDS_REVIEW, reason="no_dossier_match",
        filename="brief.pdf", source_bucket=h.aws.intake_bucket, source_key=upload["upload"]["fields"]["key"],
        document_type="correspondence", confidence=0.9, team=TEAM, received_at=now, updated_at=now,
        candidates=[DossierCandidate(dossier_id="D-MATRIX", score=0.6, reason="surname matches")]))
    messages = exchange_wiring.messages()
    messages.create(_message("msg-matrix-own", upload["submissionId"], OWNER, "D-MATRIX"))
    status, foreign = h.api("POST", "/api/uploads", h.token(["municipality"], municipality=FOREIGN), {
        "kind": "message", "filename": "meldung.xml", "contentType": "application/xml", "size": 100})
    assert status == 200, foreign
    messages.create(_message("msg-matrix-foreign", foreign["submissionId"], FOREIGN, None))
    return {"submission": upload["submissionId"], "document": "doc-matrix", "dossier": "D-MATRIX",
            "message": "msg-matrix-own", "foreign message": "msg-matrix-foreign"}


def _routes(h: Harness) -> set[tuple[str, str]]:
    """(method, path template) of every route the API handler's resolver serves."""
    app = h.handler("api").app
    return {(r.method.upper(), r.openapi_path) for r in [*app._static_routes, *app._dynamic_routes]}


def _token(h: Harness, role: str) -> str | None:
    groups, tenant, team = ROLES[role]
    return h.token(groups, municipality=tenant, subject=f"matrix-{role}", team=team) if groups else None


def _expected(endpoint: Endpoint, role: str) -> int:
    if role == "no token" and endpoint.template != "/api/openapi.json":
        return 401
    return endpoint.expected.get(role, 403)


def test_every_endpoint_with_every_role(h: Harness) -> None:
    ids = _world(h)
    tokens = {role: _token(h, role) for role in ROLES}
    endpoints = _endpoints(ids)
    rows, wrong = [], []
    for endpoint in endpoints:
        cells = []
        for role in ROLES:
            status, body = h.api(endpoint.method, endpoint.path, tokens[role], endpoint.body)
            expected = _expected(endpoint, role)
            cells.append(str(status) if status == expected else f"**{status}** (expected {expected})")
            if status != expected:
                wrong.append((endpoint.label, role, status, body))
        rows.append((endpoint.label, *cells))

    # every route (and every path of the served spec) has its row: a new endpoint cannot slip past
    covered = {(e.method, e.template) for e in endpoints}
    assert len({e.label for e in endpoints}) == len(endpoints), "a row twice"
    _, spec = h.api("GET", "/api/openapi.json")
    served = {(method.upper(), template) for template, ops in spec["paths"].items() for method in ops}
    routes = _routes(h)
    assert routes >= served and len(routes) >= len(endpoints) // 2, (routes, served)
    missing = sorted((routes | served) - covered)
    rows += [(f"{method} {template} (no row in the matrix)", *["?"] * len(ROLES)) for method, template in missing]

    write_table("role-matrix.md", "Role × endpoint (HTTP status; foreign tenant = a municipality "
                f"that does not own the submission; foreign team = a caseworker of {OTHER_TEAM}, the records "
                f"belong to {TEAM}; no team = a caseworker whose token names no team)", ("endpoint", *ROLES), rows)
    assert not missing, f"endpoints without a row in the role matrix: {missing}"
    assert not wrong, wrong

    # the lists a caseworker of another team got hold nothing of the team's
    for path in ("/api/inbox", "/api/dossiers?q=Haddad"):
        _, own = h.api("GET", path, tokens["caseworker"])
        _, foreign = h.api("GET", path, tokens["foreign team"])
        assert own["items"] and not [i for i in foreign["items"] if i.get("dossierId", "").startswith("D-MATRIX")
                                     or i.get("documentId", "").startswith("doc-matrix")], foreign
    # message lists: a sender sees its own submission's message, a caseworker its team's, nothing else
    visible = {role: {m["messageId"] for m in h.api("GET", "/api/messages", tokens[role])[1]["items"]}
               & {ids["message"], ids["foreign message"]}
               for role in ("caseworker", "teamlead", "municipality", "police", "foreign tenant", "foreign team")}
    assert visible == {"caseworker": {ids["message"]}, "teamlead": {ids["message"], ids["foreign message"]},
                       "municipality": {ids["message"]}, "police": set(), "foreign tenant": {ids["foreign message"]},
                       "foreign team": {ids["foreign message"]}}, visible
    # the two permitted sends queued a message each, by their senders; the refused ones nothing
    sent = h.api("GET", f"/api/messages?dossierId={ids['dossier']}", tokens["teamlead"])[1]["items"]
    assert sorted(m["originator"] for m in sent if m["originator"]) == ["matrix-caseworker", "matrix-teamlead"]

    status, body = h.api("GET", "/api/inbox", tokens["no team"])
    assert (status, body["error"]["code"]) == (403, "team_required")

    # the reads above are in the audit trail, with actor and source address
    _, trail = h.api("GET", f"/api/audit?dossierId={ids['dossier']}", tokens["auditor"])
    seen = {(e["action"], e["actor"]) for e in trail["items"]}
    for role in ("caseworker", "teamlead"):
        assert {("read_dossier", f"matrix-{role}"), ("correct_document", f"matrix-{role}")} <= seen
    assert ("reassign_dossier", "matrix-teamlead") in seen
    assert not {actor for _, actor in seen} & {"matrix-foreign team", "matrix-no team"}  # refused: nothing read
