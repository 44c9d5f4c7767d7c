"""The API handler: authentication, roles, tenant isolation, errors, OpenAPI."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from eakte.local.issuer import DevIssuer
from eakte.settings import LOCAL_AUDIENCE
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration


def test_openapi_is_public_and_lists_the_contract(h: Harness) -> None:
    status, spec = h.api("GET", "/api/openapi.json")
    assert status == 200
    assert {"/api/uploads", "/api/submissions/{submission_id}", "/api/documents/{document_id}",
            "/api/documents/{document_id}/content", "/api/inbox", "/api/dossiers",
            "/api/dossiers/{dossier_id}"} <= set(spec["paths"])


def _forged_tokens(h: Harness) -> dict[str, str]:
    good = h.jwks.issuer
    now = int(time.time())
    claims = {"iss": good.issuer, "aud": LOCAL_AUDIENCE, "sub": "x", "iat": now, "exp": now + 600,
              "cognito:groups": ["caseworker"]}
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = good.jwks()["keys"][0]["kid"]
    return {
        "expired": good.issue("x", ["caseworker"], ttl_s=-120),
        "wrong issuer": DevIssuer("http://127.0.0.1:1/other", LOCAL_AUDIENCE).issue("x", ["caseworker"]),
        "wrong audience": jwt.encode({**claims, "aud": "someone-else"}, good._key, algorithm="RS256",
                                     headers={"kid": kid}),
        "wrong signature": jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": kid}),
        "alg none": jwt.encode(claims, None, algorithm="none", headers={"kid": kid}),
        "garbage": "not.a.token",
    }


def test_missing_and_bad_tokens_get_401(h: Harness) -> None:
    status, body = h.api("GET", "/api/inbox")
    assert status == 401 and body["error"]["code"] == "unauthorized"
    for name, token in _forged_tokens(h).items():
        status, body = h.api("GET", "/api/inbox", token)
        assert status == 401, name
        assert body["error"]["code"] == "unauthorized", name


def test_municipality_cannot_read_another_municipalitys_submission(h: Harness) -> None:
    mine = h.token(["municipality"], municipality="bfs-261")
    theirs = h.token(["municipality"], municipality="bfs-351")
    status, body = h.api("POST", "/api/uploads", mine, {"kind": "scan", "filename": "a.pdf",
                                                        "contentType": "application/pdf", "size": 100})
    assert status == 200
    status, err = h.api("GET", f"/api/submissions/{body['submissionId']}", theirs)
    assert status == 404 and err["error"]["code"] == "not_found"
    status, listing = h.api("GET", "/api/submissions", theirs)
    assert status == 200 and body["submissionId"] not in {s["submissionId"] for s in listing["items"]}
    status, listing = h.api("GET", "/api/submissions", mine)
    assert body["submissionId"] in {s["submissionId"] for s in listing["items"]}


def test_roles_are_enforced(h: Harness) -> None:
    sender = h.token(["municipality"], municipality="bfs-261")
    auditor = h.token(["auditor"])
    caseworker = h.token(["caseworker"], team="team-a")
    assert h.api("GET", "/api/inbox", sender)[0] == 403
    assert h.api("GET", "/api/dossiers?q=Haddad", auditor)[0] == 403
    assert h.api("GET", "/api/documents/abc", sender)[0] == 403
    status, _ = h.api("POST", "/api/uploads", caseworker, {"kind": "scan", "filename": "a.pdf",
                                                           "contentType": "application/pdf", "size": 100})
    assert status == 403
    assert h.api("GET", "/api/inbox", caseworker)[0] == 200
    assert h.api("GET", "/api/documents/does-not-exist", caseworker)[0] == 404


@pytest.mark.parametrize(("body", "code"), [
    ("{not json", "invalid_request"),
    ({"kind": "fax", "filename": "a.pdf", "contentType": "application/pdf", "size": 1}, "invalid_request"),
    ({"kind": "scan", "filename": "a.pdf", "contentType": "application/pdf"}, "invalid_request"),
    ({"kind": "scan", "filename": "a.exe", "contentType": "application/x-msdownload", "size": 9},
     "unsupported_type"),
    ({"kind": "scan", "filename": "a.pdf", "contentType": "application/pdf", "size": 10**9}, "too_large"),
])
def test_bad_upload_requests_get_400_with_a_code(h: Harness, body: object, code: str) -> None:
    sender = h.token(["municipality"], municipality="bfs-261")
    status, err = h.api("POST", "/api/uploads", sender, body)
    assert status == 400, err
    assert err["error"]["code"] == code
    assert err["error"]["message"]


def test_unknown_route_is_a_json_404(h: Harness) -> None:
    status, err = h.api("GET", "/api/nothing-here", h.token(["caseworker"], team="team-a"))
    assert status == 404 and err["error"]["code"] == "no_route"


def test_correction_through_the_api_is_audited_in_dynamodb(h: Harness) -> None:
    from datetime import UTC, date, datetime

    from eakte import wiring
    from eakte.models.document import Document, DocumentStatus, Dossier, SubmissionKind

    now = datetime.now(UTC)
    records = wiring.records()
    records.create_dossier(Dossier(dossier_id="D-IT-1", surname="Tesfaye", given_names="Dawit",
                                birth_date=date(1988, 7, 4), created_at=now))
    records.create_document(Document(
        document_id="doc-it-1", submission_id="s", tenant="t", kind=SubmissionKind.SCAN,
        status=DocumentStatus.NEEDS_REVIEW, filename="x.pdf", source_bucket="b", source_key="k",
        document_type="other", confidence=0.2, received_at=now, updated_at=now))
    caseworker = h.token(["caseworker"], subject="sachbearbeiterin-1", team="team-a")
    status, inbox = h.api("GET", "/api/inbox", caseworker)
    assert "doc-it-1" in {d["documentId"] for d in inbox["items"]}

    status, body = h.api("PATCH", "/api/documents/doc-it-1", caseworker,
                         {"documentType": "rental_agreement", "dossierId": "D-IT-1", "reason": "Mietvertrag"})
    assert status == 200, body
    assert body["status"] == "INDEXED" and body["dossierId"] == "D-IT-1"
    status, inbox = h.api("GET", "/api/inbox", caseworker)
    assert "doc-it-1" not in {d["documentId"] for d in inbox["items"]}
    status, dossier = h.api("GET", "/api/dossiers/D-IT-1", caseworker)
    assert [(d["documentId"], d["documentType"]) for d in dossier["documents"]] == [("doc-it-1", "rental_agreement")]

    assert h.api("GET", "/api/audit?dossierId=D-IT-1", caseworker)[0] == 403
    status, trail = h.api("GET", "/api/audit?dossierId=D-IT-1", h.token(["auditor"]))
    assert status == 200
    actions = [(e["action"], e["actor"]) for e in trail["items"]]
    assert ("correct_document", "sachbearbeiterin-1") in actions
    assert ("read_dossier", "sachbearbeiterin-1") in actions
    assert all(e["sourceIp"] == "127.0.0.1" for e in trail["items"])

    status, err = h.api("PATCH", "/api/documents/doc-it-1", caseworker, {"dossierId": "D-NOPE"})
    assert status == 400 and err["error"]["code"] == "unknown_dossier"
