"""The hostile-input catalogue through the real path against moto: POST /api/uploads, the
presigned POST into S3, the S3 → SQS notification, the intake handler. Every entry must end
REJECTED with its reason (or as a 4xx with its code), in one attempt: no handler crash, no
retry, nothing in a DLQ, nothing handed on to OCR or the exchange."""

from __future__ import annotations

import json

import pytest
import requests

from eakte.settings import QUARANTINE_PREFIX, Stage
from tests.hostile.catalogue import BIG_JSON_MB, FILES, REQUESTS, HostileFile, json_body_of
from tests.hostile.report import write_table
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration

TENANT = "bfs-261"


def _send(h: Harness, token: str, entry: HostileFile) -> tuple[str, dict]:
    data = entry.make()
    status, body = h.api("POST", "/api/uploads", token, {
        "kind": entry.kind, "filename": entry.filename, "contentType": entry.content_type,
        "size": entry.declared_size if entry.declared_size is not None else len(data)})
    assert status == 200, body
    r = requests.post(body["upload"]["url"], data=body["upload"]["fields"],
                      files={"file": (entry.filename, data, entry.content_type)}, timeout=60)
    assert r.status_code < 300, r.text
    messages = h.receive(Stage.INTAKE, wait_s=2)
    assert len(messages) == 1
    response = h.deliver(Stage.INTAKE, messages)
    return body["submissionId"], response


def test_every_hostile_file_is_rejected_with_its_reason_in_one_attempt(h: Harness) -> None:
    sender = h.token(["municipality"], municipality=TENANT)
    rows, wrong = [], []
    for entry in FILES:
        submission_id, response = _send(h, sender, entry)
        _, view = h.api("GET", f"/api/submissions/{submission_id}", sender)
        (document,) = view["documents"]
        quarantined = h.s3.list_objects_v2(Bucket=h.aws.intake_bucket,
                                           Prefix=f"{QUARANTINE_PREFIX}{TENANT}/{submission_id}/")["KeyCount"]
        outcome = f"{document['status']} {document['reason']}"
        rows.append((entry.name, entry.filename, f"REJECTED {entry.reason}", outcome,
                     document["reasonDetail"], len(response["batchItemFailures"]), quarantined))
        if (document["status"], document["reason"]) != ("REJECTED", entry.reason) \
                or response["batchItemFailures"] or quarantined != 1 or not document["reasonDetail"]:
            wrong.append(entry.name)
    write_table("hostile-files.md", "Hostile files through upload → S3 → intake (moto)",
                ("input", "file name", "expected", "outcome", "reason shown to the sender", "failed records",
                 "quarantined"), rows)
    assert not wrong, wrong
    # nothing retried, nothing dead, nothing handed on
    for stage in (Stage.INTAKE, Stage.OCR, Stage.EXCHANGE):
        assert h.receive(stage, wait_s=0) == [], stage
    dlq = h.sqs.get_queue_attributes(QueueUrl=h.aws.dlq_urls[Stage.INTAKE],
                                     AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    assert dlq["ApproximateNumberOfMessages"] == "0"


def test_every_hostile_request_gets_its_4xx_or_a_safe_name(h: Harness) -> None:
    sender = h.token(["municipality"], municipality=TENANT)
    rows, wrong = [], []
    for entry in REQUESTS:
        status, body = h.api(entry.method, entry.path, sender, entry.body())
        if status == 200:
            key = body["upload"]["fields"]["key"]
            outcome = f"200, stored as {key}"
            ok = key == f"incoming/{TENANT}/{body['submissionId']}/{entry.stored_as}"
        else:
            outcome = f"{status} {body['error']['code']}"
            ok = status == entry.status and body["error"]["code"] == entry.code and body["error"]["message"]
        expected = f"{entry.status} " + (entry.code or f"stored as …/{entry.stored_as}")
        rows.append((entry.name, expected, outcome))
        if not ok or status != entry.status:
            wrong.append((entry.name, status, body))
    status, body = h.api("POST", "/api/uploads", sender, json_body_of(BIG_JSON_MB))
    rows.append((f"{BIG_JSON_MB} MB JSON body, straight to the handler", "400 invalid_request",
                 f"{status} {body['error']['code']}"))
    if (status, body["error"]["code"]) != (400, "invalid_request"):
        wrong.append(("big json", status, body))
    write_table("hostile-requests.md", "Hostile requests to the API handler",
                ("input", "expected", "outcome"), rows)
    assert not wrong, json.dumps(wrong, default=str)[:2000]
