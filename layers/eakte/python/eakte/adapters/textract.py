"""Amazon Textract text detection (DetectDocumentText and the asynchronous job API).

Images are read synchronously; PDFs and TIFFs start an asynchronous job whose completion
Textract publishes to SNS (-> the ocr-result queue), after which `job_result` collects it.
botocore errors are mapped to the typed errors of `eakte.errors` so that the retry policy can
tell a throttle from a bad document.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

import boto3
from botocore import exceptions as boto_errors
from botocore.config import Config
from botocore.exceptions import ClientError

from eakte.errors import OcrFailedError, OcrJobPendingError, OcrThrottledError, PermanentError, TransientError
from eakte.models.document import MediaType
from eakte.ports import ObjectRef, OcrEngine, OcrJob, OcrJobs, OcrResult
from eakte.settings import DEFAULT_REGION

log = logging.getLogger(__name__)

ENGINE = "textract"
MAX_RESULTS = 1000  # blocks per GetDocumentTextDetection page (the API maximum)
MAX_RESULT_PAGES = 10_000  # guards against a NextToken that never ends
DEFAULT_MAX_ATTEMPTS = 6

SYNC_MEDIA_TYPES = frozenset({MediaType.JPEG, MediaType.PNG})
ASYNC_MEDIA_TYPES = frozenset({MediaType.PDF, MediaType.TIFF})

# Error codes by what retrying can achieve.
THROTTLE_CODES = frozenset({
    "ThrottlingException", "ProvisionedThroughputExceededException", "LimitExceededException",
})
TRANSIENT_CODES = frozenset({"InternalServerError", "ServiceUnavailable", "RequestTimeout"})
# The document (or this request for it) cannot be read: retrying cannot help.
DOCUMENT_CODES = frozenset({
    "InvalidS3ObjectException", "UnsupportedDocumentException", "BadDocumentException",
    "DocumentTooLargeException", "InvalidParameterException", "InvalidJobIdException",
    "IdempotentParameterMismatchException",
})
# Deployment faults (IAM, KMS): not the document's fault, so it is not failed at once; the
# message is retried with backoff, which gives a fix time to land.
CONFIGURATION_CODES = frozenset({"AccessDeniedException", "InvalidKMSKeyException"})

_TOKEN_RE = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")  # ClientRequestToken
_JOB_TAG_RE = re.compile(r"^[a-zA-Z0-9_.\-:]{1,64}$")  # JobTag


def make_textract_client(region: str | None, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> Any:
    """A Textract client whose retries adapt to throttling (client-side rate limiting).

    `max_attempts` counts retries after the first call (botocore's meaning); throttles still
    left then surface as OcrThrottledError and the queue's backoff takes over.
    """
    config = Config(
        retries={"mode": "adaptive", "max_attempts": max_attempts},
        connect_timeout=5,
        read_timeout=60,  # DetectDocumentText on a dense 10 MB image can take tens of seconds
    )
    # None: boto3's own resolution (AWS_REGION, AWS_DEFAULT_REGION, profile), then the app's region
    region = region or boto3.session.Session().region_name or DEFAULT_REGION
    return boto3.client("textract", region_name=region, config=config)


def client_request_token(document_id: str) -> str:
    """Idempotency token of the async start: the same document never starts two jobs."""
    if _TOKEN_RE.fullmatch(document_id):
        return document_id
    return "d-" + hashlib.sha256(document_id.encode("utf-8")).hexdigest()[:62]


def job_tag(document_id: str) -> str:
    """JobTag carries the document id back in the completion notification, so it must be exact."""
    if not _JOB_TAG_RE.fullmatch(document_id):
        raise ValueError(f"document id {document_id!r} cannot be a Textract JobTag ([a-zA-Z0-9_.-:], <=64)")
    return document_id


class TextractOcrEngine(OcrEngine, OcrJobs):
    def __init__(self, client: Any, sns_topic_arn: str, role_arn: str) -> None:
        self._client = client
        self._sns_topic_arn = sns_topic_arn
        self._role_arn = role_arn

    def recognize(self, ref: ObjectRef, media_type: MediaType, document_id: str) -> OcrResult | OcrJob:
        media_type = MediaType(media_type)
        s3_object: dict[str, str] = {"Bucket": ref.bucket, "Name": ref.key}
        if ref.version_id:
            s3_object["Version"] = ref.version_id  # the archived original, never a newer upload

        if media_type in SYNC_MEDIA_TYPES:
            response = _call(self._client.detect_document_text, "DetectDocumentText",
                             Document={"S3Object": s3_object})
            return OcrResult(responses=[_strip(response)], engine=ENGINE)

        if media_type in ASYNC_MEDIA_TYPES:
            return self._start(s3_object, document_id, client_request_token(document_id))

        raise OcrFailedError(f"textract cannot read {media_type.value}")

    def _start(self, s3_object: dict[str, str], document_id: str, token: str) -> OcrJob:
        response = _call(
            self._client.start_document_text_detection, "StartDocumentTextDetection",
            DocumentLocation={"S3Object": s3_object},
            ClientRequestToken=token,
            JobTag=job_tag(document_id),
            NotificationChannel={"SNSTopicArn": self._sns_topic_arn, "RoleArn": self._role_arn},
        )
        job_id = response["JobId"]
        log.info("textract job %s started for %s", job_id, document_id)
        return OcrJob(job_id=job_id, engine=ENGINE)

    def restart(self, ref: ObjectRef, media_type: MediaType, document_id: str, attempt: int) -> OcrJob:
        """A new job: the first start's token would replay the old (failed or forgotten) job."""
        if MediaType(media_type) not in ASYNC_MEDIA_TYPES:
            raise OcrFailedError(f"textract has no asynchronous job for {MediaType(media_type).value}")
        s3_object: dict[str, str] = {"Bucket": ref.bucket, "Name": ref.key}
        if ref.version_id:
            s3_object["Version"] = ref.version_id
        return self._start(s3_object, document_id, client_request_token(f"{document_id}-retry-{attempt}"))

    def job_status(self, job_id: str) -> str:
        """The job's status from one result page of one block; EXPIRED when Textract no longer knows the
        job (results are kept 7 days; the id may also come from another account or region)."""
        try:
            response = self._client.get_document_text_detection(JobId=job_id, MaxResults=1)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "InvalidJobIdException":
                return "EXPIRED"
            _raise_mapped(exc, "GetDocumentTextDetection")
        except (boto_errors.ConnectionError, boto_errors.HTTPClientError) as exc:
            raise TransientError(f"textract GetDocumentTextDetection: {type(exc).__name__}: {exc}") from exc
        return str(response.get("JobStatus") or "UNKNOWN")

    def job_result(self, job_id: str) -> OcrResult:
        responses: list[dict[str, Any]] = []
        next_token: str | None = None
        seen_tokens: set[str] = set()
        while True:
            kwargs: dict[str, Any] = {"JobId": job_id, "MaxResults": MAX_RESULTS}
            if next_token:
                kwargs["NextToken"] = next_token
            response = _call(self._client.get_document_text_detection, "GetDocumentTextDetection", **kwargs)
            status = response.get("JobStatus")
            if status == "IN_PROGRESS":
                raise OcrJobPendingError(f"textract job {job_id} is still in progress")
            if status == "FAILED":
                raise OcrFailedError(
                    f"textract job {job_id} failed: {response.get('StatusMessage') or 'no status message'}"
                )
            if status not in ("SUCCEEDED", "PARTIAL_SUCCESS"):
                raise TransientError(f"textract job {job_id} has unexpected status {status!r}")
            responses.append(_strip(response))

            next_token = response.get("NextToken")
            if not next_token:
                break
            if next_token in seen_tokens or len(responses) >= MAX_RESULT_PAGES:
                raise TransientError(f"textract job {job_id}: pagination does not end")
            seen_tokens.add(next_token)

        if any(r.get("JobStatus") == "PARTIAL_SUCCESS" for r in responses):
            # The results are kept: the pages read are worth more than none. The warnings stay in
            # the responses (-> OcrText.warnings) for the caseworker to see which pages are missing.
            warnings = [w for r in responses for w in r.get("Warnings") or []]
            log.warning("textract job %s: partial success, warnings %s", job_id, warnings[:20])
        return OcrResult(responses=responses, engine=ENGINE)


def parse_completion_notification(sns_message: Mapping[str, Any]) -> tuple[str, str, str]:
    """(job_id, status, job_tag) of Textract's completion message; job_tag is our document id.

    Accepts the Textract message itself ({"JobId", "Status", "API", "JobTag", "Timestamp",
    "DocumentLocation"}) or the SNS envelope around it ({"Type": "Notification", "Message": "<json>"}),
    which is what an SQS subscription without raw message delivery receives.
    Status is SUCCEEDED, FAILED or ERROR.
    """
    message: Any = sns_message
    if "JobId" not in message and isinstance(message.get("Message"), str):
        try:
            message = json.loads(message["Message"])
        except json.JSONDecodeError as exc:
            raise PermanentError(f"Textract notification is not JSON: {exc}") from exc
    if not isinstance(message, Mapping):
        raise PermanentError("Textract notification is not a JSON object")
    found: list[str] = []
    for name in ("JobId", "Status", "JobTag"):
        value = message.get(name)
        if not isinstance(value, str) or not value:
            # every job we start carries a JobTag: without it the message is not ours to act on
            raise PermanentError(f"Textract notification without {name}: keys {sorted(message)}")
        found.append(value)
    job_id, status, tag = found
    return job_id, status, tag


# -- helpers -----------------------------------------------------------------------------------


def _call(method: Callable[..., dict[str, Any]], operation: str, **kwargs: Any) -> dict[str, Any]:
    try:
        return method(**kwargs)
    except ClientError as exc:
        _raise_mapped(exc, operation)
    except (boto_errors.ConnectionError, boto_errors.HTTPClientError, boto_errors.NoCredentialsError,
            boto_errors.PartialCredentialsError) as exc:
        # timeouts, resets and credential refresh hiccups pass; ParamValidationError (a bug) is
        # left to propagate as what it is
        raise TransientError(f"textract {operation}: {type(exc).__name__}: {exc}") from exc


def _raise_mapped(exc: ClientError, operation: str) -> NoReturn:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", "Unknown"))
    detail = f"textract {operation}: {code}: {error.get('Message', '')}".rstrip(": ")
    if code in THROTTLE_CODES:
        raise OcrThrottledError(detail) from exc
    if code in DOCUMENT_CODES:
        raise OcrFailedError(detail) from exc
    if code not in TRANSIENT_CODES and code not in CONFIGURATION_CODES:
        log.warning("unmapped textract error code %s treated as transient", code)
    # unknown codes too: better a retried message than a document failed for a passing fault
    raise TransientError(detail) from exc


def _strip(response: Mapping[str, Any]) -> dict[str, Any]:
    """The response without botocore's ResponseMetadata (request ids, HTTP headers)."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}
