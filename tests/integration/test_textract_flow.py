"""The AWS OCR path through the real handlers: ocr starts an asynchronous Textract job for a
PDF, the SNS completion (via the ocr-result queue) fetches every result page, the document
moves on to classification. Textract itself is a real boto3 client stubbed with recorded
responses (no Textract in moto)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from eakte import wiring
from eakte.adapters.textract import TextractOcrEngine, job_tag
from eakte.local.lambda_host import load_handler
from eakte.local.stack import repo_root
from eakte.settings import Stage
from tests.conftest import encode, text_image
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "textract"
JOB_ID = "8ba2b6ac1c4bd2a3e0c27d5c0ff2c0e43a2c9b8f2f86b42a1a3f1bd0e8e2c3f1"


def fixture(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((FIXTURES / name).read_text()))


@pytest.fixture
def textract(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    client = boto3.client("textract", region_name="eu-central-1", endpoint_url="https://textract.invalid",
                          aws_access_key_id="x", aws_secret_access_key="x")
    engine = TextractOcrEngine(client, sns_topic_arn="arn:aws:sns:eu-central-1:123456789012:t",
                               role_arn="arn:aws:iam::123456789012:role/textract")
    monkeypatch.setattr(wiring, "ocr_engine", lambda: engine)
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


def _registered_pdf(h: Harness) -> str:
    sender = h.token(["scanner"], municipality="scan-ag")
    page = text_image(["Verfügung", "Migrationsamt"]).convert("RGB")
    submission_id = h.upload(sender, "akte.pdf", encode(page, "PDF", save_all=True, append_images=[page]),
                             "application/pdf")
    h.pump(Stage.INTAKE)
    _, view = h.api("GET", f"/api/submissions/{submission_id}", sender)
    return view["documents"][0]["documentId"]


def test_pdf_goes_through_textract_async_and_all_result_pages_are_kept(h: Harness, textract: Stubber) -> None:
    document_id = _registered_pdf(h)
    textract.add_response("start_document_text_detection", {"JobId": JOB_ID}, {
        "DocumentLocation": ANY, "ClientRequestToken": ANY, "JobTag": job_tag(document_id),
        "NotificationChannel": ANY})
    ocr = load_handler(repo_root() / "functions", "ocr")  # a fresh container: no cached engine
    messages = h.receive(Stage.OCR)
    assert ocr.handler({"Records": [_record(m) for m in messages]}, _context())["batchItemFailures"] == []
    _delete(h, Stage.OCR, messages)

    caseworker = h.token(["caseworker"], team="team-a")
    _, doc = h.api("GET", f"/api/documents/{document_id}", caseworker)
    assert doc["status"] == "RECEIVED"  # waiting for Textract's notification
    assert h.receive(Stage.CLASSIFY, wait_s=0) == []

    first, second = fixture("get_document_text_detection_1.json"), fixture("get_document_text_detection_2.json")
    textract.add_response("get_document_text_detection", first, {"JobId": JOB_ID, "MaxResults": ANY})
    textract.add_response("get_document_text_detection", second,
                          {"JobId": JOB_ID, "MaxResults": ANY, "NextToken": first["NextToken"]})
    notification = fixture("sns_completion_notification.json")
    message = json.loads(notification["Message"]) | {"JobId": JOB_ID, "JobTag": job_tag(document_id)}
    notification["Message"] = json.dumps(message)
    h.sqs.send_message(QueueUrl=h.aws.queue_urls[Stage.OCR_RESULT], MessageBody=json.dumps(notification))
    ocr_result = load_handler(repo_root() / "functions", "ocr_result")
    messages = h.receive(Stage.OCR_RESULT)
    assert ocr_result.handler({"Records": [_record(m) for m in messages]}, _context())["batchItemFailures"] == []
    _delete(h, Stage.OCR_RESULT, messages)

    _, doc = h.api("GET", f"/api/documents/{document_id}", caseworker)
    assert doc["status"] == "OCR_DONE"
    assert doc["pages"] == 2
    assert "Rechtsmittelbelehrung" in doc["text"]
    stored = json.loads(h.s3.get_object(Bucket=h.aws.archive_bucket,
                                        Key=f"documents/{document_id}/ocr/textract.json")["Body"].read())
    assert stored["engine"] == "textract" and len(stored["responses"]) == 2
    assert [json.loads(m["Body"])["documentId"] for m in h.receive(Stage.CLASSIFY)] == [document_id]


def test_textract_throttling_is_retried_later_not_failed(h: Harness, textract: Stubber) -> None:
    document_id = _registered_pdf(h)
    textract.add_client_error("start_document_text_detection",
                              service_error_code="ProvisionedThroughputExceededException", http_status_code=400)
    ocr = load_handler(repo_root() / "functions", "ocr")
    messages = h.receive(Stage.OCR)
    response = ocr.handler({"Records": [_record(m) for m in messages]}, _context())
    assert [f["itemIdentifier"] for f in response["batchItemFailures"]] == [messages[0]["MessageId"]]
    _, doc = h.api("GET", f"/api/documents/{document_id}", h.token(["caseworker"], team="team-a"))
    assert doc["status"] == "RECEIVED"  # not FAILED: a throttle is retried
    assert h.receive(Stage.OCR, wait_s=0) == []  # the retry waits (backoff), it does not spin


def _record(message: dict[str, Any]) -> dict[str, Any]:
    from eakte.local.lambda_host import sqs_record

    return sqs_record(message, "arn:aws:sqs:eu-central-1:000000000000:q", "eu-central-1")


def _context() -> Any:
    from eakte.local.lambda_host import LambdaContext

    return LambdaContext("ocr", 2048, 300)


def _delete(h: Harness, stage: Stage, messages: list[dict[str, Any]]) -> None:
    for m in messages:
        h.sqs.delete_message(QueueUrl=h.aws.queue_urls[stage], ReceiptHandle=m["ReceiptHandle"])
