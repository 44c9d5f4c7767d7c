"""TextractOcrEngine against a real boto3 Textract client, stubbed with botocore's Stubber.

The Stubber checks every request against Textract's service model; the responses are recorded
in the AWS shape under tests/fixtures/textract/.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from eakte.adapters.textract import (
    TextractOcrEngine,
    client_request_token,
    job_tag,
    make_textract_client,
    parse_completion_notification,
)
from eakte.errors import (
    OcrFailedError,
    OcrJobPendingError,
    OcrThrottledError,
    PermanentError,
    ThrottledError,
    TransientError,
)
from eakte.logic.ocr_text import ocr_text_from_result
from eakte.models.document import MediaType
from eakte.ports import ObjectRef, OcrJob, OcrResult

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "textract"
TOPIC = "arn:aws:sns:eu-central-1:123456789012:eakte-dev-textract-complete"
ROLE = "arn:aws:iam::123456789012:role/eakte-dev-textract-publish"
DOCUMENT_ID = "6a1f3e2b-9c4d-5e8f-a7b6-1c2d3e4f5a6b"  # uuid5, as intake makes them
JOB_ID = "8ba2b6ac1c4bd2a3e0c27d5c0ff2c0e43a2c9b8f2f86b42a1a3f1bd0e8e2c3f1"
ARCHIVE = "eakte-dev-archive-123456789012-eu-central-1"
REF = ObjectRef(ARCHIVE, f"documents/{DOCUMENT_ID}/original.pdf", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY")
TOKEN_RE = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")
JOB_TAG_RE = re.compile(r"^[a-zA-Z0-9_.\-:]{1,64}$")


@cache
def _fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def fixture(name: str) -> dict[str, Any]:
    return copy.deepcopy(_fixture(name))


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return make_textract_client("eu-central-1")


@pytest.fixture
def stubber(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


@pytest.fixture
def engine(client: Any) -> TextractOcrEngine:
    return TextractOcrEngine(client, sns_topic_arn=TOPIC, role_arn=ROLE)


def get_params(next_token: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"JobId": JOB_ID, "MaxResults": 1000}
    if next_token:
        params["NextToken"] = next_token
    return params


def test_client_retries_adaptively_in_frankfurt(client: Any) -> None:
    assert client.meta.region_name == "eu-central-1"
    assert client.meta.config.retries["mode"] == "adaptive"


@pytest.mark.parametrize("media_type", [MediaType.PNG, MediaType.JPEG])
def test_image_is_read_synchronously(engine: TextractOcrEngine, stubber: Stubber,
                                     media_type: MediaType) -> None:
    response = fixture("detect_document_text_image.json")
    stubber.add_response("detect_document_text", response, {
        "Document": {"S3Object": {"Bucket": ARCHIVE, "Name": REF.key, "Version": REF.version_id}},
    })

    result = engine.recognize(REF, media_type, DOCUMENT_ID)

    assert isinstance(result, OcrResult)
    assert result.engine == "textract"
    assert result.responses == [response]
    text = ocr_text_from_result(result)
    assert text.page_texts == [
        "SCHWEIZERISCHE EIDGENOSSENSCHAFT\nAufenthaltsbewilligung B\nName MÜLLER\nVorname Anna\n"
        "Geburtsdatum 12.03.1985\nStaatsangehörigkeit DEU"
    ]
    assert all(0.9 < line.confidence <= 1 for line in text.lines)


def test_image_without_version_omits_it(engine: TextractOcrEngine, stubber: Stubber) -> None:
    stubber.add_response("detect_document_text", fixture("detect_document_text_image.json"),
                         {"Document": {"S3Object": {"Bucket": ARCHIVE, "Name": "scan.png"}}})

    engine.recognize(ObjectRef(ARCHIVE, "scan.png"), MediaType.PNG, DOCUMENT_ID)


@pytest.mark.parametrize("media_type", [MediaType.PDF, MediaType.TIFF])
def test_pdf_and_tiff_start_an_async_job(engine: TextractOcrEngine, stubber: Stubber,
                                         media_type: MediaType) -> None:
    stubber.add_response("start_document_text_detection", {"JobId": JOB_ID}, {
        "DocumentLocation": {"S3Object": {"Bucket": ARCHIVE, "Name": REF.key, "Version": REF.version_id}},
        "ClientRequestToken": DOCUMENT_ID,
        "JobTag": DOCUMENT_ID,
        "NotificationChannel": {"SNSTopicArn": TOPIC, "RoleArn": ROLE},
    })

    job = engine.recognize(REF, media_type, DOCUMENT_ID)

    assert job == OcrJob(job_id=JOB_ID, engine="textract")


@pytest.mark.parametrize("document_id", [
    DOCUMENT_ID,
    "3f2c1a9e-7b6d-4c5e-9f8a-1b2c3d4e5f60",
    "tenant:zh/doc 17 ä",  # characters the token pattern refuses
    "x" * 65,  # longer than a token may be
])
def test_client_request_token_is_valid_and_stable(document_id: str) -> None:
    token = client_request_token(document_id)
    assert TOKEN_RE.fullmatch(token)
    assert token == client_request_token(document_id)
    assert token != client_request_token(document_id + "-other")


def test_job_tag_is_the_document_id_or_refused() -> None:
    assert job_tag(DOCUMENT_ID) == DOCUMENT_ID
    assert JOB_TAG_RE.fullmatch(job_tag("doc.1:zh_2-3"))
    with pytest.raises(ValueError, match="JobTag"):
        job_tag("doc/with/slashes")


def test_job_result_collects_every_result_page(engine: TextractOcrEngine, stubber: Stubber) -> None:
    first = fixture("get_document_text_detection_1.json")
    second = fixture("get_document_text_detection_2.json")
    stubber.add_response("get_document_text_detection", first, get_params())
    stubber.add_response("get_document_text_detection", second, get_params(first["NextToken"]))

    result = engine.job_result(JOB_ID)

    assert result.engine == "textract"
    assert result.responses == [first, second]
    text = ocr_text_from_result(result)
    assert [p.number for p in text.pages] == [1, 2]
    assert text.page_texts == [
        "Migrationsamt des Kantons Zürich\nVerfügung vom 3. Mai 2024\nBetreff: Gesuch um Familiennachzug\n"
        "Gesuchstellerin: Anna Müller, geb. 12.03.1985",
        "Rechtsmittelbelehrung\nGegen diese Verfügung kann innert 30 Tagen\nRekurs erhoben werden.\n"
        "A. Keller",
    ]
    assert text.warnings == []


def test_job_in_progress_is_pending(engine: TextractOcrEngine, stubber: Stubber) -> None:
    stubber.add_response("get_document_text_detection", {"JobStatus": "IN_PROGRESS"}, get_params())

    with pytest.raises(OcrJobPendingError):
        engine.job_result(JOB_ID)


def test_failed_job_is_an_ocr_failure_with_textracts_reason(engine: TextractOcrEngine,
                                                            stubber: Stubber) -> None:
    stubber.add_response("get_document_text_detection", {
        "JobStatus": "FAILED", "StatusMessage": "Request has unsupported document format",
        "DocumentMetadata": {"Pages": 0},
    }, get_params())

    with pytest.raises(OcrFailedError, match="unsupported document format"):
        engine.job_result(JOB_ID)


def test_partial_success_keeps_the_pages_read(engine: TextractOcrEngine, stubber: Stubber) -> None:
    first = fixture("get_document_text_detection_1.json")
    second = fixture("get_document_text_detection_2.json")
    warning = {"ErrorCode": "PAGE_PROCESSING_FAILED", "Pages": [3]}  # an illustrative code
    for page in (first, second):
        page.update(JobStatus="PARTIAL_SUCCESS", DocumentMetadata={"Pages": 3}, Warnings=[warning])
    stubber.add_response("get_document_text_detection", first, get_params())
    stubber.add_response("get_document_text_detection", second, get_params(first["NextToken"]))

    text = ocr_text_from_result(engine.job_result(JOB_ID))

    assert [p.number for p in text.pages] == [1, 2, 3]
    assert text.page_texts[2] == ""
    assert [(w.code, w.pages) for w in text.warnings] == [("PAGE_PROCESSING_FAILED", [3])]


@pytest.mark.parametrize("code", [
    "ThrottlingException", "ProvisionedThroughputExceededException", "LimitExceededException",
])
def test_throttling_is_typed_on_every_call(engine: TextractOcrEngine, stubber: Stubber, code: str) -> None:
    stubber.add_client_error("detect_document_text", service_error_code=code, http_status_code=400)
    stubber.add_client_error("start_document_text_detection", service_error_code=code, http_status_code=400)
    stubber.add_client_error("get_document_text_detection", service_error_code=code, http_status_code=400)

    calls = [
        lambda: engine.recognize(REF, MediaType.PNG, DOCUMENT_ID),
        lambda: engine.recognize(REF, MediaType.PDF, DOCUMENT_ID),
        lambda: engine.job_result(JOB_ID),
    ]
    for call in calls:
        with pytest.raises(OcrThrottledError) as caught:
            call()
        assert isinstance(caught.value, ThrottledError)  # -> the longer throttle backoff
        assert isinstance(caught.value.__cause__, ClientError)
        assert code in str(caught.value)


def test_throttle_while_paging_is_typed(engine: TextractOcrEngine, stubber: Stubber) -> None:
    first = fixture("get_document_text_detection_1.json")
    stubber.add_response("get_document_text_detection", first, get_params())
    stubber.add_client_error("get_document_text_detection", "ProvisionedThroughputExceededException",
                             http_status_code=400, expected_params=get_params(first["NextToken"]))

    with pytest.raises(OcrThrottledError):
        engine.job_result(JOB_ID)


@pytest.mark.parametrize(("code", "status", "expected", "not_expected"), [
    ("InternalServerError", 500, TransientError, PermanentError),
    ("AccessDeniedException", 400, TransientError, PermanentError),  # IAM: not the document's fault
    ("InvalidS3ObjectException", 400, OcrFailedError, TransientError),
    ("UnsupportedDocumentException", 400, OcrFailedError, TransientError),
    ("BadDocumentException", 400, OcrFailedError, TransientError),
    ("DocumentTooLargeException", 400, OcrFailedError, TransientError),
])
def test_service_errors_are_mapped(engine: TextractOcrEngine, stubber: Stubber, code: str, status: int,
                                   expected: type[Exception], not_expected: type[Exception]) -> None:
    stubber.add_client_error("detect_document_text", service_error_code=code, service_message="nope",
                             http_status_code=status)

    with pytest.raises(expected) as caught:
        engine.recognize(REF, MediaType.JPEG, DOCUMENT_ID)

    assert not isinstance(caught.value, not_expected | OcrThrottledError)
    assert isinstance(caught.value.__cause__, ClientError)
    assert f"{code}: nope" in str(caught.value)


def test_a_message_is_not_a_scan(engine: TextractOcrEngine) -> None:
    with pytest.raises(OcrFailedError, match="cannot read"):
        engine.recognize(REF, MediaType.XML, DOCUMENT_ID)


def test_completion_notification_in_its_sns_envelope() -> None:
    envelope = fixture("sns_completion_notification.json")

    expected = (JOB_ID, "SUCCEEDED", DOCUMENT_ID)
    assert parse_completion_notification(envelope) == expected
    assert parse_completion_notification(json.loads(envelope["Message"])) == expected


@pytest.mark.parametrize("message", [
    {"Status": "SUCCEEDED", "JobTag": DOCUMENT_ID},
    {"JobId": JOB_ID, "JobTag": DOCUMENT_ID},
    {"JobId": JOB_ID, "Status": "FAILED"},
    {"Type": "Notification", "Message": "not json"},
])
def test_malformed_notification_is_permanent(message: dict[str, Any]) -> None:
    with pytest.raises(PermanentError):
        parse_completion_notification(message)
