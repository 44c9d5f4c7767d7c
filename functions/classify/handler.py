"""Classify Lambda: document type, confidence and fields from the OCR text."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from eakte import telemetry, wiring
from eakte.lambda_support import logger, mark_document_failed, metrics, new_processor, run_batch, tracer
from eakte.logic.stages import ClassifyStage
from eakte.models.document import StageMessage
from eakte.settings import Stage

processor = new_processor()


@cache
def stage() -> ClassifyStage:
    return ClassifyStage(wiring.records(), wiring.objects(), wiring.queue(), wiring.buckets())


def record_handler(record: SQSRecord) -> None:
    doc = stage().run(StageMessage.model_validate(record.json_body))
    if doc is not None:
        logger.info("classify", document_id=doc.document_id, status=doc.status.value,
                    document_type=doc.document_type, confidence=doc.confidence)
        telemetry.count_document(metrics, doc)


on_last_failure = mark_document_failed(Stage.CLASSIFY)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return run_batch(Stage.CLASSIFY, event, context, processor, record_handler, on_last_failure)
