"""Every endpoint × every role (and a foreign tenant, and no token): who gets what. The matrix
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
from eakte.models.document import Document, DocumentStatus, Dossier, SubmissionKind
from tests.hostile.report import write_table
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration

OWNER = "bfs-261"
FOREIGN = "bfs-351"
# role -> (groups, tenant claim)
ROLES: dict[str, tuple[list[str], str | None]] = {
    "caseworker": (["caseworker"], None),
    "teamlead": (["teamlead"], None),
    "municipality": (["municipality"], OWNER),
    "police": (["police"], "kapo-zh"),
    "scanner": (["scanner"], "scan-ag"),
    "auditor": (["auditor"], None),
    "ops": (["ops"], None),
    "foreign tenant": (["municipality"], FOREIGN),
    "no token": ([], None),
}
READERS = {"caseworker": 200, "teamlead": 200}


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
        Endpoint("GET", "/api/inbox", "/api/inbox", READERS),
        Endpoint("GET", "/api/dossiers", "/api/dossiers?q=Haddad", READERS),
        Endpoint("GET", "/api/dossiers/{dossier_id}", f"/api/dossiers/{ids['dossier']}", READERS),
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
                                birth_date=date(1990, 3, 12), created_at=now))
    records.create_document(Document(
        document_id="doc-matrix", submission_id=upload["submissionId"], tenant=OWNER, kind=SubmissionKind.SCAN,
        status=DocumentStatus.INDEXED, filename="vertrag.pdf", source_bucket=h.aws.intake_bucket,
        source_key=upload["upload"]["fields"]["key"], original_key="documents/doc-matrix/original.pdf",
        document_type="employment_contract", confidence=0.9, dossier_id="D-MATRIX", received_at=now,
        updated_at=now))
    return {"submission": upload["submissionId"], "document": "doc-matrix", "dossier": "D-MATRIX"}


def _token(h: Harness, role: str) -> str | None:
    groups, tenant = ROLES[role]
    return h.token(groups, municipality=tenant, subject=f"matrix-{role}") if groups else None


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
            path = re.sub(r"\{[^}]+\}", "matrix-unknown-id", template)
            cells = []
            for role in ROLES:
                status, body = h.api(method, path, tokens[role], {} if method in {"POST", "PATCH", "PUT"} else None)
                cells.append(f"{status}?")
                if status >= 500 or (role == "no token" and status != 401):
                    wrong.append((method, template, role, status, body))
            rows.append((f"{method} {template} (not in the matrix yet)", *cells))

    write_table("role-matrix.md", "Role × endpoint (HTTP status; foreign tenant = a municipality "
                "that does not own the submission)", ("endpoint", *ROLES), rows)
    assert not wrong, wrong

    # the reads above are in the audit trail, with actor and source address
    _, trail = h.api("GET", f"/api/audit?dossierId={ids['dossier']}", tokens["auditor"])
    seen = {(e["action"], e["actor"]) for e in trail["items"]}
    for role in READERS:
        assert {("read_dossier", f"matrix-{role}"), ("correct_document", f"matrix-{role}")} <= seen
