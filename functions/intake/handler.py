"""Intake Lambda: S3 ObjectCreated events (via SQS) -> register, check, archive or quarantine."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from eakte import telemetry, wiring
from eakte.lambda_support import logger, metrics, new_processor, run_batch, tracer
from eakte.logic.intake import ArrivedObject, IntakeService
from eakte.models.document import DocumentStatus
from eakte.settings import Stage

processor = new_processor()


@cache
def service() -> IntakeService:
    return IntakeService(wiring.records(), wiring.objects(), wiring.queue(), wiring.buckets())


def arrived_objects(body: dict[str, Any]) -> list[ArrivedObject]:
    """S3 event notification -> the objects it reports (S3's test event reports none)."""
    arrived = []
    for rec in body.get("Records", []):
        obj = rec["s3"]["object"]
        arrived.append(ArrivedObject(
            bucket=rec["s3"]["bucket"]["name"],
            key=unquote_plus(obj["key"]),  # S3 URL-encodes keys in events
            size=int(obj.get("size", 0)),
            version_id=obj.get("versionId"),
            sequencer=obj.get("sequencer"),
            event_time=datetime.fromisoformat(rec["eventTime"].replace("Z", "+00:00")),
        ))
    return arrived


def record_handler(record: SQSRecord) -> None:
    for arrived in arrived_objects(record.json_body):
        doc = service().receive(arrived, correlation_id=record.message_id)
        logger.set_correlation_id(doc.correlation_id)
        # a rejection is the sender's problem to fix, but operations should see it too (with the why)
        log = logger.warning if doc.status is DocumentStatus.REJECTED else logger.info
        log("intake", document_id=doc.document_id, status=doc.status.value, reason=doc.reason,
            reason_detail=doc.reason_detail)
        telemetry.count_document(metrics, doc)


def on_last_failure(record: SQSRecord, error: BaseException) -> None:
    for arrived in arrived_objects(record.json_body):
        service().fail(arrived, repr(error))


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return run_batch(Stage.INTAKE, event, context, processor, record_handler, on_last_failure)
