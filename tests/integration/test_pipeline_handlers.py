"""Each handler against moto, fed by the real S3 → SQS notification path."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from eakte.settings import QUARANTINE_PREFIX, Stage
from tests.conftest import encode, text_image
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration

CONTRACT = ["ARBEITSVERTRAG", "zwischen der Muster Bau AG, Zürich (Arbeitgeberin)",
            "und Frau Amina Haddad, geboren am 12.03.1990 (Arbeitnehmerin)",
            "Beginn des Arbeitsverhältnisses: 01.02.2026", "Lohn: CHF 5200 brutto pro Monat",
            "Arbeitszeit: 42 Stunden pro Woche, Probezeit drei Monate"]


def test_scan_goes_through_every_stage(h: Harness) -> None:
    sender = h.token(["municipality"], municipality="bfs-261")
    data = encode(text_image(CONTRACT), "PNG")
    submission_id = h.upload(sender, "vertrag.png", data, "image/png")

    assert h.pump(Stage.INTAKE) == 1  # the S3 notification arrived through SQS
    status, view = h.api("GET", f"/api/submissions/{submission_id}", sender)
    assert status == 200
    assert view["status"] == "PROCESSING"
    assert view["documents"][0]["status"] == "RECEIVED"
    document_id = view["documents"][0]["documentId"]

    assert h.pump(Stage.OCR) == 1
    assert h.pump(Stage.CLASSIFY) == 1
    assert h.pump(Stage.INDEX) == 1

    reader = h.token(["caseworker"], team="team-a")
    status, doc = h.api("GET", f"/api/documents/{document_id}", reader)
    assert status == 200, doc
    assert doc["status"] in {"INDEXED", "NEEDS_REVIEW"}
    assert doc["documentType"] == "employment_contract"
    assert "Arbeitsvertrag".casefold() in doc["text"].casefold()
    assert doc["ocrChars"] > 100
    assert doc["pages"] == 1

    # archive holds original, OCR JSON and text
    keys = {o["Key"] for o in h.s3.list_objects_v2(Bucket=h.aws.archive_bucket,
                                                    Prefix=f"documents/{document_id}/")["Contents"]}
    assert {f"documents/{document_id}/original.png", f"documents/{document_id}/ocr/textract.json",
            f"documents/{document_id}/text/page-0001.txt", f"documents/{document_id}/text/all.txt"} <= keys
    ocr = json.loads(h.s3.get_object(Bucket=h.aws.archive_bucket,
                                     Key=f"documents/{document_id}/ocr/textract.json")["Body"].read())
    assert {b["BlockType"] for b in ocr["responses"][0]["Blocks"]} >= {"PAGE", "LINE", "WORD"}

    status, link = h.api("GET", f"/api/documents/{document_id}/content", reader)
    assert status == 200 and document_id in link["url"]


def test_redelivered_s3_event_registers_one_document(h: Harness) -> None:
    sender = h.token(["municipality"], municipality="bfs-261")
    submission_id = h.upload(sender, "v.png", encode(text_image(CONTRACT[:2]), "PNG"), "image/png")
    messages = h.receive(Stage.INTAKE)
    assert len(messages) == 1
    h.deliver(Stage.INTAKE, messages)
    h.deliver(Stage.INTAKE, messages)  # S3 delivers at least once
    _, view = h.api("GET", f"/api/submissions/{submission_id}", sender)
    assert len(view["documents"]) == 1
    # intake hands on again (it cannot know the first hand-on succeeded); OCR runs once:
    # the second message is answered from the idempotency record, nothing more is handed on
    assert h.pump(Stage.OCR) == 2
    assert len(h.receive(Stage.CLASSIFY)) == 1


@pytest.mark.parametrize(("filename", "content_type", "payload", "reason"), [
    ("scan.pdf", "application/pdf", lambda: b"MZ\x90\x00This program cannot be run in DOS mode" * 10,
     "unsupported_type"),
    ("scan.pdf", "application/pdf", lambda: encode(text_image(["x"]), "PNG"), "type_mismatch"),
    ("scan.pdf", "application/pdf", lambda: b"%PDF-1.4\n1 0 obj\n<<", "corrupt"),
])
def test_bad_files_are_rejected_and_quarantined(h: Harness, filename: str, content_type: str,
                                                payload: Callable[[], bytes], reason: str) -> None:
    sender = h.token(["municipality"], municipality="bfs-261")
    submission_id = h.upload(sender, filename, payload(), content_type)
    h.pump(Stage.INTAKE)
    _, view = h.api("GET", f"/api/submissions/{submission_id}", sender)
    assert view["status"] == "REJECTED"
    document = view["documents"][0]
    assert document["reason"] == reason
    assert document["reasonDetail"]
    quarantined = h.s3.list_objects_v2(Bucket=h.aws.intake_bucket,
                                       Prefix=f"{QUARANTINE_PREFIX}bfs-261/{submission_id}/")
    assert quarantined["KeyCount"] == 1
    assert h.receive(Stage.OCR, wait_s=0) == []


def test_upload_larger_than_declared_is_rejected(h: Harness) -> None:
    # moto does not enforce the presigned POST's content-length-range; intake must
    sender = h.token(["municipality"], municipality="bfs-261")
    status, body = h.api("POST", "/api/uploads", sender, {"kind": "scan", "filename": "a.png",
                                                          "contentType": "image/png", "size": 10})
    assert status == 200
    import requests

    data = encode(text_image(["too big"]), "PNG")
    requests.post(body["upload"]["url"], data=body["upload"]["fields"], files={"file": ("a.png", data)},
                  timeout=30)
    h.pump(Stage.INTAKE)
    _, view = h.api("GET", f"/api/submissions/{body['submissionId']}", sender)
    assert view["documents"][0]["reason"] == "too_large"


def test_message_is_routed_to_the_exchange_queue(h: Harness) -> None:
    sender = h.token(["police"], municipality="kapo-zh")
    xml = (b'<?xml version="1.0" encoding="UTF-8"?>'
           b'<eCH-0020:delivery xmlns:eCH-0020="http://www.ech.ch/xmlns/eCH-0020/3"/>')
    submission_id = h.upload(sender, "event.xml", xml, "application/xml", kind="message")
    h.pump(Stage.INTAKE)
    _, view = h.api("GET", f"/api/submissions/{submission_id}", sender)
    assert view["documents"][0]["status"] == "RECEIVED"
    queued = h.receive(Stage.EXCHANGE)
    assert [json.loads(m["Body"])["documentId"] for m in queued] == [view["documents"][0]["documentId"]]


def test_failing_record_is_retried_with_backoff_then_marked_failed(h: Harness) -> None:
    # A stage message for a document whose OCR input vanished: every attempt fails.
    sender = h.token(["municipality"], municipality="bfs-261")
    submission_id = h.upload(sender, "v.png", encode(text_image(CONTRACT[:2]), "PNG"), "image/png")
    h.pump(Stage.INTAKE)
    _, view = h.api("GET", f"/api/submissions/{submission_id}", sender)
    document_id = view["documents"][0]["documentId"]
    # remove every version of the archived original so OCR cannot read it
    versions = h.s3.list_object_versions(Bucket=h.aws.archive_bucket, Prefix=f"documents/{document_id}/")
    for v in versions.get("Versions", []):
        h.s3.delete_object(Bucket=h.aws.archive_bucket, Key=v["Key"], VersionId=v["VersionId"],
                           BypassGovernanceRetention=True)
    messages = h.receive(Stage.OCR)
    response = h.deliver(Stage.OCR, messages)
    assert [f["itemIdentifier"] for f in response["batchItemFailures"]] == [messages[0]["MessageId"]]
    # the handler pushed the retry out (backoff), so the message is not visible right away
    assert h.receive(Stage.OCR, wait_s=0) == []
    # simulate the last allowed attempt: mark FAILED with the stage in the reason
    from eakte.local.lambda_host import sqs_record

    last = dict(messages[0])
    last["Attributes"] = {**messages[0].get("Attributes", {}), "ApproximateReceiveCount": "8"}
    module = h.handler("ocr")
    from eakte.local.lambda_host import LambdaContext

    module.handler({"Records": [sqs_record(last, "arn:aws:sqs:eu-central-1:000000000000:q", "eu-central-1")]},
                   LambdaContext("ocr", 2048, 300))
    _, view = h.api("GET", f"/api/submissions/{submission_id}", sender)
    assert view["documents"][0]["status"] == "FAILED"
    assert view["documents"][0]["reason"] == "ocr_failed"


def test_poison_message_ends_in_the_dead_letter_queue(h: Harness) -> None:
    """A record that fails every time is retried maxReceiveCount times, then SQS moves it to the DLQ."""
    from eakte.settings import STAGES

    h.sqs.send_message(QueueUrl=h.aws.queue_urls[Stage.CLASSIFY], MessageBody='{"documentId": "no-such-document"}')
    attempts = 0
    while messages := h.receive(Stage.CLASSIFY):
        response = h.deliver(Stage.CLASSIFY, messages)
        assert len(response["batchItemFailures"]) == 1
        attempts += 1
        # skip the backoff the handler asked for, as if its time had passed
        h.sqs.change_message_visibility(QueueUrl=h.aws.queue_urls[Stage.CLASSIFY],
                                        ReceiptHandle=messages[0]["ReceiptHandle"], VisibilityTimeout=0)
        assert attempts <= STAGES[Stage.CLASSIFY].max_receive_count
    assert attempts == STAGES[Stage.CLASSIFY].max_receive_count
    dead = h.sqs.receive_message(QueueUrl=h.aws.dlq_urls[Stage.CLASSIFY], WaitTimeSeconds=1)["Messages"]
    assert [json.loads(m["Body"])["documentId"] for m in dead] == ["no-such-document"]
