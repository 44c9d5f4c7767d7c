"""Metric names (shared by the handlers and the CDK dashboard/alarms) and the one way a handler
counts a document: an aggregate per service (for alarms and the dashboard) and a detail metric
per tenant and document type (EMF, so CloudWatch extracts both from the log line)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eakte.models.document import DocumentStatus

if TYPE_CHECKING:
    from aws_lambda_powertools import Metrics

    from eakte.models.document import Document

NAMESPACE = "eAkte"  # POWERTOOLS_METRICS_NAMESPACE of every function

# document counts, by the status a stage leaves the document in
DOCUMENT_METRICS: dict[DocumentStatus, str] = {
    DocumentStatus.RECEIVED: "DocumentsReceived",
    DocumentStatus.REJECTED: "DocumentsRejected",
    DocumentStatus.OCR_DONE: "DocumentsRead",
    DocumentStatus.CLASSIFIED: "DocumentsClassified",
    DocumentStatus.INDEXED: "DocumentsIndexed",
    DocumentStatus.NEEDS_REVIEW: "DocumentsNeedsReview",
    DocumentStatus.FAILED: "DocumentsFailed",
}
OCR_PAGES = "OcrPages"
PIPELINE_LATENCY = "PipelineLatency"  # seconds from intake to INDEXED / NEEDS_REVIEW
TEXTRACT_THROTTLED = "TextractThrottled"  # Textract said "slow down" (after botocore's own retries)
INJECTED_FAULTS = "InjectedFaults"  # fault injection (eakte.faults) is on: never in production
DETAIL_DIMENSIONS = ("tenant", "documentType")
# any stage: a record failed its last attempt and SQS moves it to the stage's DLQ (lambda_support)
DEAD_LETTERED = "RecordsDeadLettered"

# Federal messages (eakte.exchange), by the function (service dimension) that counts them:
MESSAGES_SENT = ("MessagesForwarded", "forward")  # the federal endpoint accepted a delivery
MESSAGES_ACKNOWLEDGED = ("MessagesAcknowledged", "receipt")  # positive eCH-0090 receipt
MESSAGES_NACKED = ("MessagesNacked", "receipt")  # negative receipt: the federal register refused it
MESSAGES_DEAD = (DEAD_LETTERED, "forward")  # every delivery attempt failed: DEAD, waiting in the DLQ
MESSAGES_REFUSED = ("MessagesRejected", "exchange")  # an inbound message failed validation (sender NACKed)

# The sweeper (eakte.logic.sweeper): documents it found stuck, in all and per outcome
DOCUMENTS_SWEPT = "DocumentsSwept"


def swept_metric(outcome: str) -> str:
    """DocumentsSweptFailed, DocumentsSweptReenqueued, ... (eakte.logic.sweeper.Outcome)"""
    return f"{DOCUMENTS_SWEPT}{outcome.title()}"


def count_document(metrics: Metrics, doc: Document, now_s: float | None = None) -> None:
    """Count `doc` in its current status: aggregate (service dimension) and per tenant + type."""
    from aws_lambda_powertools.metrics import MetricUnit, single_metric
    from aws_lambda_powertools.metrics.functions import is_metrics_disabled

    name = DOCUMENT_METRICS[doc.status]
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
    latency = None
    if doc.status in {DocumentStatus.INDEXED, DocumentStatus.NEEDS_REVIEW} and now_s is not None:
        latency = round(max(0.0, now_s - doc.received_at.timestamp()), 3)
        metrics.add_metric(name=PIPELINE_LATENCY, unit=MetricUnit.Seconds, value=latency)
    if is_metrics_disabled():  # single_metric would print anyway (the local stack disables metrics)
        return
    dimensions = {"tenant": doc.tenant, "documentType": doc.document_type or "unknown"}
    # one EMF object per metric (Powertools' single_metric holds exactly one)
    with single_metric(name=name, unit=MetricUnit.Count, value=1, namespace=metrics.namespace,
                       default_dimensions=dimensions):
        pass
    if latency is not None:
        with single_metric(name=PIPELINE_LATENCY, unit=MetricUnit.Seconds, value=latency,
                           namespace=metrics.namespace, default_dimensions=dimensions):
            pass
    if doc.status is DocumentStatus.OCR_DONE and doc.pages:
        metrics.add_metric(name=OCR_PAGES, unit=MetricUnit.Count, value=doc.pages)
