"""A lost Textract completion does not leave a document pending for ever: the real ocr and sweeper
handlers against moto, whose Textract mock finishes a text-detection job at once and publishes its
completion to the SNS topic. The topic here has no subscription, so the completion is dropped on
the way to the ocr-result queue, as a lost SNS/SQS delivery would; the sweeper asks Textract and
recovers the document (or, the job failing every time, fails it with a reason and dead-letters it)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from moto.textract.models import TextractBackend

from eakte import wiring
from eakte.adapters.textract import TextractOcrEngine, make_textract_client
from eakte.local.lambda_host import LambdaContext, load_handler, sqs_record
from eakte.local.redrive import redrive
from eakte.local.stack import repo_root
from eakte.models.document import Document, DocumentStatus
from eakte.settings import SWEEP_MAX_ATTEMPTS, SWEEP_STUCK_AFTER_S, SWEEPER_FUNCTION, SWEEPER_TIMEOUT_S, Stage
from tests.conftest import encode, text_image
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "textract"
MOTO_ACCOUNT = "123456789012"


@pytest.fixture
def textract(h: Harness, monkeypatch: pytest.MonkeyPatch) -> Iterator[TextractOcrEngine]:
    """The Textract adapter on moto's Textract; its jobs return the recorded blocks of a 2-page PDF."""
    blocks = [b for n in (1, 2) for b in json.loads((FIXTURES / f"get_document_text_detection_{n}.json")
                                                    .read_text(encoding="utf-8"))["Blocks"]]
    monkeypatch.setattr(TextractBackend, "BLOCKS", copy.deepcopy(blocks))
    monkeypatch.setattr(TextractBackend, "JOB_STATUS", "SUCCEEDED")
    engine = TextractOcrEngine(
        make_textract_client(h.aws.region),
        sns_topic_arn=f"arn:aws:sns:{h.aws.region}:{MOTO_ACCOUNT}:{h.aws.names.textract_topic}",
        role_arn=f"arn:aws:iam::{MOTO_ACCOUNT}:role/textract")
    monkeypatch.setattr(wiring, "ocr_engine", lambda: engine)
    yield engine


def _ocr_started(h: Harness) -> tuple[str, str]:
    """A 2-page PDF through intake and the ocr handler: a Textract job is running. (submission, document)"""
    sender = h.token(["scanner"], municipality="scan-ag")
    page = text_image(["Verfügung", "Migrationsamt"]).convert("RGB")
    submission_id = h.upload(sender, "akte.pdf", encode(page, "PDF", save_all=True, append_images=[page]),
                             "application/pdf")
    assert h.pump(Stage.INTAKE) == 1
    ocr = load_handler(repo_root() / "functions", "ocr")  # a fresh container: the engine above
    messages = h.receive(Stage.OCR)
    event = {"Records": [sqs_record(m, "arn:aws:sqs:eu-central-1:000000000000:q", h.aws.region) for m in messages]}
    assert ocr.handler(event, LambdaContext("ocr", 2048, 300))["batchItemFailures"] == []
    for m in messages:
        h.sqs.delete_message(QueueUrl=h.aws.queue_urls[Stage.OCR], ReceiptHandle=m["ReceiptHandle"])
    _, view = h.api("GET", f"/api/submissions/{submission_id}", sender)
    return submission_id, view["documents"][0]["documentId"]


def _document(document_id: str) -> Document:
    doc = wiring.records().get_document(document_id)
    assert doc is not None
    return doc


def _age(document_id: str) -> None:
    """Time passes: the document's last change moves past its status's limit."""
    doc = _document(document_id)
    older = doc.updated_at - timedelta(seconds=SWEEP_STUCK_AFTER_S[doc.status.value] + 60)
    wiring.records().save_document(doc.model_copy(update={"updated_at": older}), expected_status=doc.status)


def _sweep() -> dict[str, Any]:
    sweeper = load_handler(repo_root() / "functions", "sweeper")
    return sweeper.handler({"source": "aws.events", "detail-type": "Scheduled Event"},
                           LambdaContext(SWEEPER_FUNCTION, 512, SWEEPER_TIMEOUT_S))


def test_a_dropped_textract_completion_is_recovered_by_the_sweeper(h: Harness, textract: TextractOcrEngine) -> None:
    _, document_id = _ocr_started(h)
    doc = _document(document_id)
    assert doc.status is DocumentStatus.RECEIVED and doc.ocr_job_id
    assert textract.job_status(doc.ocr_job_id) == "SUCCEEDED"  # Textract is done ...
    assert h.receive(Stage.OCR_RESULT, wait_s=0) == []  # ... but its completion never arrived

    assert _sweep()["completed"] == 0  # not stuck yet: a fresh document is left alone
    assert _document(document_id).status is DocumentStatus.RECEIVED

    _age(document_id)
    result = _sweep()
    assert result["completed"] >= 1, result
    done = _document(document_id)
    assert done.status is DocumentStatus.OCR_DONE and done.pages == 2 and done.ocr_chars > 0
    stored = json.loads(h.s3.get_object(Bucket=h.aws.archive_bucket,
                                        Key=f"documents/{document_id}/ocr/textract.json")["Body"].read())
    assert stored["engine"] == "textract"
    # and on through the pipeline to a final status, exactly as after the notification
    assert h.pump(Stage.CLASSIFY) >= 1 and h.pump(Stage.INDEX) >= 1
    assert _document(document_id).status in {DocumentStatus.INDEXED, DocumentStatus.NEEDS_REVIEW}
    assert _sweep()["completed"] == 0  # nothing left to recover


def test_a_job_that_keeps_failing_is_resubmitted_then_failed_visibly_and_redriven(
        h: Harness, textract: TextractOcrEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TextractBackend, "JOB_STATUS", "FAILED")
    submission_id, document_id = _ocr_started(h)
    jobs = [_document(document_id).ocr_job_id]
    for attempt in range(1, SWEEP_MAX_ATTEMPTS + 1):
        _age(document_id)
        assert _sweep()["resubmitted"] >= 1
        doc = _document(document_id)
        assert doc.status is DocumentStatus.RECEIVED and doc.sweeps == attempt
        jobs.append(doc.ocr_job_id)
    assert len(set(jobs)) == len(jobs)  # each a new job, not the replay of the first

    _age(document_id)
    assert _sweep()["failed"] >= 1
    failed = _document(document_id)
    assert failed.status is DocumentStatus.FAILED and failed.reason == "ocr_failed"
    _, view = h.api("GET", f"/api/submissions/{submission_id}", h.token(["scanner"], municipality="scan-ag"))
    [shown] = view["documents"]
    assert shown["status"] == "FAILED" and shown["reason"] == "ocr_failed"  # the sender sees it

    dead = h.sqs.receive_message(QueueUrl=h.aws.dlq_urls[Stage.OCR], MaxNumberOfMessages=10,
                                 VisibilityTimeout=0).get("Messages", [])
    assert [json.loads(m["Body"])["documentId"] for m in dead] == [document_id]
    [moved] = [r for r in redrive(h.sqs, h.aws.names, [Stage.OCR]) if r.stage is Stage.OCR]
    assert (moved.moved, moved.left) == (1, 0)
    # the OCR stage takes the redriven document back and starts a job for it
    monkeypatch.setattr(TextractBackend, "JOB_STATUS", "SUCCEEDED")
    ocr = load_handler(repo_root() / "functions", "ocr")
    messages = h.receive(Stage.OCR)
    event = {"Records": [sqs_record(m, "arn:aws:sqs:eu-central-1:000000000000:q", h.aws.region) for m in messages]}
    assert ocr.handler(event, LambdaContext("ocr", 2048, 300))["batchItemFailures"] == []
    redriven = _document(document_id)
    assert redriven.status is DocumentStatus.RECEIVED and redriven.reason is None  # in progress again
    assert redriven.ocr_job_id not in jobs and redriven.sweeps == SWEEP_MAX_ATTEMPTS + 1
    # its completion is lost as well: the sweeper takes the finished job up
    _age(document_id)
    assert _sweep()["completed"] >= 1
    assert _document(document_id).status is DocumentStatus.OCR_DONE


def test_the_local_stack_runs_the_sweeper_on_its_timer(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """The local schedule (EventBridge in AWS) with a short interval: a document whose OCR message was
    lost goes to the OCR queue again without anyone calling the sweeper."""
    import threading
    import time

    from eakte.local.scheduler import sweeper_schedule
    from eakte.settings import SWEEP_INTERVAL_ENV

    sender = h.token(["scanner"], municipality="scan-ag")
    page = text_image(["Verfügung"]).convert("RGB")
    submission_id = h.upload(sender, "brief.pdf", encode(page, "PDF"), "application/pdf")
    assert h.pump(Stage.INTAKE) == 1
    h.purge()  # the OCR message is lost
    _, view = h.api("GET", f"/api/submissions/{submission_id}", sender)
    document_id = view["documents"][0]["documentId"]
    _age(document_id)

    monkeypatch.setenv(SWEEP_INTERVAL_ENV, "0.2")
    stop, errors = threading.Event(), []
    schedule = sweeper_schedule(repo_root() / "functions", h.aws.names, stop, errors.append)
    thread = schedule.start()
    try:
        deadline = time.monotonic() + 30
        while _document(document_id).sweeps == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert errors == [] and schedule.invocations >= 1
    assert _document(document_id).sweeps == 1 and _document(document_id).status is DocumentStatus.RECEIVED
    assert [json.loads(m["Body"])["documentId"] for m in h.receive(Stage.OCR)] == [document_id]


def test_the_status_index_lists_only_stale_documents_of_the_status_oldest_first(h: Harness) -> None:
    from datetime import UTC, datetime

    from eakte.adapters.status_index import DynamoStaleDocuments
    from eakte.models.document import SubmissionKind

    base = datetime(2001, 1, 1, tzinfo=UTC)  # older than anything else in the session's table
    records = wiring.records()
    for n, status in enumerate([DocumentStatus.CLASSIFIED] * 5 + [DocumentStatus.INDEXED]):
        changed = base + timedelta(minutes=10 - n)  # created newest first
        records.create_document(Document(
            document_id=f"doc-stale-{n}", submission_id="sub-stale", tenant="bfs-261", kind=SubmissionKind.SCAN,
            status=status, filename="a.pdf", source_bucket="b", source_key="k", received_at=changed,
            updated_at=changed))
    index = DynamoStaleDocuments(h.aws.client("dynamodb"), h.aws.names.table)
    cutoff = base + timedelta(minutes=8)  # doc-stale-2 (10 - 2 = minute 8) is not before it
    assert index.stale_document_ids(DocumentStatus.CLASSIFIED, cutoff, 10) == ["doc-stale-4", "doc-stale-3"]
    assert index.stale_document_ids(DocumentStatus.CLASSIFIED, cutoff + timedelta(hours=1), 3) == [
        "doc-stale-4", "doc-stale-3", "doc-stale-2"]
    assert index.stale_document_ids(DocumentStatus.INDEXED, base, 10) == []
    for n in range(6):  # final again: nothing for the other tests' sweeps
        doc = _document(f"doc-stale-{n}")
        records.save_document(doc.model_copy(update={"status": DocumentStatus.REJECTED}), doc.status)


def test_the_queue_reports_its_backlog_to_the_sweeper(h: Harness) -> None:
    from eakte.adapters.aws import SqsQueue

    queue = SqsQueue(h.sqs, h.aws.queue_urls)
    before = queue.waiting(Stage.CLASSIFY)
    for n in range(3):
        queue.send(Stage.CLASSIFY, {"documentId": f"waiting-{n}"})
    assert queue.waiting(Stage.CLASSIFY) == before + 3
