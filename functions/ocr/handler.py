"""OCR Lambda: read a scan's text (Textract in AWS, Tesseract locally or in Zurich)."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from eakte import wiring
from eakte.lambda_support import logger, mark_document_failed, metrics, new_processor, run_batch, tracer
from eakte.logic.stages import OcrStage
from eakte.models.document import StageMessage
from eakte.settings import EnvVar, Stage

processor = new_processor()
# A scan is OCR'd once even when its message is delivered twice at the same time: the second
# delivery finds the first in progress and is retried later (then the stage sees OCR_DONE).
idempotency = IdempotencyConfig(event_key_jmespath="documentId", expires_after_seconds=3600)


@cache
def stage() -> OcrStage:
    return OcrStage(wiring.records(), wiring.objects(), wiring.queue(), wiring.buckets(), wiring.ocr_engine())


persistence = DynamoDBPersistenceLayer(table_name=os.environ[EnvVar.IDEMPOTENCY_TABLE],
                                       boto3_client=wiring.client("dynamodb"))


@idempotent_function(data_keyword_argument="message", config=idempotency, persistence_store=persistence)
def recognise(message: dict[str, Any]) -> dict[str, Any]:
    doc = stage().run(StageMessage.model_validate(message))
    if doc is not None:
        logger.info("ocr", document_id=doc.document_id, status=doc.status.value, pages=doc.pages,
                    chars=doc.ocr_chars)
        metrics.add_metric(name="OcrPages", unit="Count", value=doc.pages)
    return {"documentId": message.get("documentId"), "status": doc.status.value if doc else None}


def record_handler(record: SQSRecord) -> None:
    recognise(message=record.json_body)


on_last_failure = mark_document_failed(Stage.OCR)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    idempotency.register_lambda_context(context)
    return run_batch(Stage.OCR, event, context, processor, record_handler, on_last_failure)
