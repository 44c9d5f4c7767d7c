"""Every endpoint × every role (and a foreign tenant, a caseworker of another team, a caseworker
without a team, and no token): who gets what. The matrix
is recorded as a table in test-artifacts/role-matrix.md and checked against the expectation.
Endpoints that appear in /api/openapi.json but not in ENDPOINTS below are still probed with
every role (no 5xx, 401 without a token) and listed, so a new endpoint shows up here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from eakte import wiring
from eakte.models.document import Document, DocumentStatus, Dossier, DossierCandidate, SubmissionKind
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
        Endpoint("PATCH", "/api/documents/{document_id}", f"/api/documents/{ids['document']}", READERS,
                 {"documentType": "employment_contract", "reason": "role matrix"}),
        Endpoint("GET", "/api/inbox", "/api/inbox", LISTS),
        Endpoint("GET", "/api/dossiers", "/api/dossiers?q=Haddad", LISTS),
        Endpoint("GET", "/api/dossiers/{dossier_id}", f"/api/dossiers/{ids['dossier']}", READERS),
        Endpoint("PATCH", "/api/dossiers/{dossier_id}", f"/api/dossiers/{ids['dossier']}", {"teamlead": 200},
                 {"team": TEAM, "reason": "role matrix"}),
        Endpoint("GET", "/api/messages", "/api/messages", {**LISTS, "municipality": 200, "police": 200,
                                                           "foreign tenant": 200}),
        Endpoint("GET", "/api/audit", f"/api/audit?dossierId={ids['dossier']}", {"auditor": 200}),
        Endpoint("GET", "/api/ops/overview", "/api/ops/overview", {"ops": 200}),
        Endpoint("GET", "/api/openapi.json", "/api/openapi.json", {r: 200 for r in ROLES}),
    ]


def _world(h: Harness) -> dict[str, str]:
    """A submission of OWNER with one document, indexed into a dossier."""
    sender = h.token(["municipality"], municipality=OWNER)
    status, upload = h.api("POST", "/api/uploads", sender, {"kind": "scan", "filename": "vertrag.pdf",
                                                            "contentType": "application/pdf", "size": 100})
    assert status == 200
    now = datetime.now(UTC)
    records = wiring.records()
    records.put_dossier(Dossier(dossier_id="D-MATRIX", surname="Haddad", given_names="Amina",
                                birth_date=date(1990, 3, 12), created_at=now, team=TEAM))
    records.create_document(Document(
        document_id="doc-matrix", submission_id=upload["submissionId"], tenant=OWNER, kind=SubmissionKind.SCAN,
        status=DocumentStatus.INDEXED, filename="vertrag.pdf", source_bucket=h.aws.intake_bucket,
        source_key=upload["upload"]["fields"]["key"], original_key="documents/doc-matrix/original.pdf",
        document_type="employment_contract", confidence=0.9, dossier_id="D-MATRIX", received_at=now,
        updated_at=now))
    # and one in the team's inbox, with the dossier as candidate
    records.create_document(Document(
        document_id="doc-matrix-inbox", submission_id=upload["submissionId"], tenant=OWNER,
        kind=SubmissionKind.SCAN, status=DocumentStatus.NEEDS_REVIEW, reason="no_dossier_match",
        filename="brief.pdf", source_bucket=h.aws.intake_bucket, source_key=upload["upload"]["fields"]["key"],
        document_type="correspondence", confidence=0.9, team=TEAM, received_at=now, updated_at=now,
        candidates=[DossierCandidate(dossier_id="D-MATRIX", score=0.6, reason="surname matches")]))
    return {"submission": upload["submissionId"], "document": "doc-matrix", "dossier": "D-MATRIX"}


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
                wrong.append((endpoint.method, endpoint.template, role, status, body))
        rows.append((f"{endpoint.method} {endpoint.template}", *cells))

    # what the served spec lists beyond the matrix: probed, recorded, held to "no 5xx, 401 anonymous"
    _, spec = h.api("GET", "/api/openapi.json")
    covered = {(e.method, e.template) for e in endpoints}
    for template, operations in sorted(spec["paths"].items()):
        for method in sorted(m.upper() for m in operations):
            if (method, template) in covered:
                continue
            # an unknown id, of the parameter's type (an integer parameter gets a number)
            integers = {p["name"] for p in operations[method.lower()].get("parameters", [])
                        if p.get("in") == "path" and p.get("schema", {}).get("type") == "integer"}
            path = re.sub(r"\{([^}]+)\}", lambda m, ints=integers: "1" if m.group(1) in ints
                          else "matrix-unknown-id", template)
            cells = []
            for role in ROLES:
                status, body = h.api(method, path, tokens[role], {} if method in {"POST", "PATCH", "PUT"} else None)
                cells.append(f"{status}?")
                if status >= 500 or (role == "no token" and status != 401):
                    wrong.append((method, template, role, status, body))
            rows.append((f"{method} {template} (not in the matrix yet)", *cells))

    write_table("role-matrix.md", "Role × endpoint (HTTP status; foreign tenant = a municipality "
                f"that does not own the submission; foreign team = a caseworker of {OTHER_TEAM}, the records "
                f"belong to {TEAM}; no team = a caseworker whose token names no team)", ("endpoint", *ROLES), rows)
    assert not wrong, wrong

    # the lists a caseworker of another team got hold nothing of the team's
    for path in ("/api/inbox", "/api/dossiers?q=Haddad"):
        _, own = h.api("GET", path, tokens["caseworker"])
        _, foreign = h.api("GET", path, tokens["foreign team"])
        assert own["items"] and not [i for i in foreign["items"] if i.get("dossierId", "").startswith("D-MATRIX")
                                     or i.get("documentId", "").startswith("doc-matrix")], foreign
    status, body = h.api("GET", "/api/inbox", tokens["no team"])
    assert (status, body["error"]["code"]) == (403, "team_required")

    # the reads above are in the audit trail, with actor and source address
    _, trail = h.api("GET", f"/api/audit?dossierId={ids['dossier']}", tokens["auditor"])
    seen = {(e["action"], e["actor"]) for e in trail["items"]}
    for role in ("caseworker", "teamlead"):
        assert {("read_dossier", f"matrix-{role}"), ("correct_document", f"matrix-{role}")} <= seen
    assert ("reassign_dossier", "matrix-teamlead") in seen
    assert not {actor for _, actor in seen} & {"matrix-foreign team", "matrix-no team"}  # refused: nothing read
