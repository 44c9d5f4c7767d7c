"""The sweeper's questions to Textract (TextractOcrEngine as OcrJobs), against a real boto3 client
stubbed with botocore's Stubber, which checks every request against Textract's service model."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.stub import ANY, Stubber

from eakte.adapters.textract import TextractOcrEngine, client_request_token
from eakte.errors import OcrFailedError, OcrThrottledError
from eakte.models.document import MediaType
from eakte.ports import ObjectRef, OcrJob

pytestmark = pytest.mark.integration

DOCUMENT_ID = "6a1f3e2b-9c4d-5e8f-a7b6-1c2d3e4f5a6b"
REF = ObjectRef("archive", f"documents/{DOCUMENT_ID}/original.pdf", "v1")
JOB = "8ba2b6ac1c4bd2a3e0c27d5c0ff2c0e43a2c9b8f2f86b42a1a3f1bd0e8e2c3f1"


@pytest.fixture
def stubbed() -> Iterator[tuple[TextractOcrEngine, Stubber]]:
    client = boto3.client("textract", region_name="eu-central-1", endpoint_url="https://textract.invalid",
                          aws_access_key_id="x", aws_secret_access_key="x")
    engine = TextractOcrEngine(client, "arn:aws:sns:eu-central-1:123456789012:t", "arn:aws:iam::123456789012:role/t")
    with Stubber(client) as stub:
        yield engine, stub
        stub.assert_no_pending_responses()


@pytest.mark.parametrize("status", ["IN_PROGRESS", "SUCCEEDED", "PARTIAL_SUCCESS", "FAILED"])
def test_job_status_reads_one_block_only(stubbed: tuple[TextractOcrEngine, Stubber], status: str) -> None:
    engine, stub = stubbed
    stub.add_response("get_document_text_detection", {"JobStatus": status, "Blocks": []},
                      {"JobId": JOB, "MaxResults": 1})
    assert engine.job_status(JOB) == status


def test_a_job_textract_no_longer_knows_is_expired(stubbed: tuple[TextractOcrEngine, Stubber]) -> None:
    engine, stub = stubbed
    stub.add_client_error("get_document_text_detection", service_error_code="InvalidJobIdException",
                          http_status_code=400)
    assert engine.job_status(JOB) == "EXPIRED"


def test_a_throttled_status_question_is_a_throttle_not_an_answer(stubbed: tuple[TextractOcrEngine, Stubber]) -> None:
    engine, stub = stubbed
    stub.add_client_error("get_document_text_detection", service_error_code="ProvisionedThroughputExceededException",
                          http_status_code=400)
    with pytest.raises(OcrThrottledError):
        engine.job_status(JOB)


def test_a_restart_is_a_new_job_not_the_replay_of_the_first(stubbed: tuple[TextractOcrEngine, Stubber]) -> None:
    engine, stub = stubbed
    tokens = []
    for attempt in (1, 2):
        token = client_request_token(f"{DOCUMENT_ID}-retry-{attempt}")
        tokens.append(token)
        stub.add_response("start_document_text_detection", {"JobId": f"job-{attempt}"}, {
            "DocumentLocation": {"S3Object": {"Bucket": "archive", "Name": REF.key, "Version": "v1"}},
            "ClientRequestToken": token, "JobTag": DOCUMENT_ID, "NotificationChannel": ANY})
        assert engine.restart(REF, MediaType.PDF, DOCUMENT_ID, attempt) == OcrJob(job_id=f"job-{attempt}",
                                                                                 engine="textract")
    assert len({client_request_token(DOCUMENT_ID), *tokens}) == 3


def test_an_image_has_no_job_to_restart(stubbed: tuple[TextractOcrEngine, Stubber]) -> None:
    engine, _ = stubbed
    with pytest.raises(OcrFailedError):
        engine.restart(REF, MediaType.JPEG, DOCUMENT_ID, 1)
