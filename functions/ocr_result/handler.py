"""Textract completion Lambda: SNS notification (via SQS) -> fetch all result pages -> classify."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from eakte import wiring
from eakte.adapters.textract import parse_completion_notification
from eakte.lambda_support import logger, metrics, new_processor, run_batch, tracer
from eakte.logic.stages import OcrResultStage, OcrStage, mark_failed
from eakte.settings import Stage

processor = new_processor()


@cache
def stage() -> OcrResultStage:
    engine = wiring.ocr_engine()
    ocr = OcrStage(wiring.records(), wiring.objects(), wiring.queue(), wiring.buckets(), engine)
    return OcrResultStage(ocr, wiring.records(), engine)


def notification(record: SQSRecord) -> dict[str, Any]:
    body = record.json_body
    # SNS -> SQS without raw delivery wraps the notification in an SNS envelope
    return json.loads(body["Message"]) if "Message" in body and "TopicArn" in body else body


def record_handler(record: SQSRecord) -> None:
    job_id, status, document_id = parse_completion_notification(notification(record))
    doc = stage().run(job_id, status, document_id)
    logger.info("ocr result", job_id=job_id, document_id=document_id,
                status=doc.status.value if doc else None)
    metrics.add_metric(name="TextractJobsCompleted", unit="Count", value=1)


def on_last_failure(record: SQSRecord, error: BaseException) -> None:
    _, _, document_id = parse_completion_notification(notification(record))
    mark_failed(wiring.records(), document_id, Stage.OCR, repr(error))


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return run_batch(Stage.OCR_RESULT, event, context, processor, record_handler, on_last_failure)
