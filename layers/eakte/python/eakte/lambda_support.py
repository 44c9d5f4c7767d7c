"""What every SQS-driven handler shares: Powertools objects (created once), partial batch
responses, retry backoff on the message itself, and marking a document FAILED when its
last attempt fails (the message then goes to the DLQ, from where it can be redriven)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, cast

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from eakte import faults, telemetry
from eakte.errors import OcrThrottledError, ThrottledError
from eakte.settings import STAGES, Stage
from eakte.tracing import new_tracer

logger = Logger()
tracer = new_tracer()  # X-Ray SDK imported only where traces are recorded (cold start)
metrics = Metrics()

BACKOFF_BASE_S = 2
BACKOFF_CAP_S = 600


def retry_delay(attempt: int, throttled: bool) -> int:
    """Exponential backoff with full jitter; throttles start higher (the quota refills slowly)."""
    base = BACKOFF_BASE_S * (4 if throttled else 1)
    ceiling = min(BACKOFF_CAP_S, base * 2 ** max(0, attempt - 1))
    return max(1, int(random.uniform(ceiling / 2, ceiling)))  # noqa: S311 - jitter, not crypto


def new_processor() -> BatchProcessor:
    # report failed records individually even when all fail, so their backoff stays in force
    return BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def correlation_id_of(record: SQSRecord) -> str:
    """The correlation id a stage message carries (set at intake: the submission id), else the
    SQS message id (an S3 event before intake has registered the document)."""
    try:
        body = record.json_body
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("correlationId"), str):
        return body["correlationId"]
    return record.message_id


def mark_document_failed(stage: Stage) -> Callable[[SQSRecord, BaseException], None]:
    """The last-attempt callback of a stage whose messages name a document: mark it FAILED."""

    def on_last_failure(record: SQSRecord, error: BaseException) -> None:
        from eakte import wiring
        from eakte.logic.stages import mark_failed
        from eakte.models.document import StageMessage

        document_id = StageMessage.model_validate(record.json_body).document_id
        mark_failed(wiring.records(), document_id, stage, repr(error))

    return on_last_failure


def run_batch(stage: Stage, event: dict[str, Any], context: Any, processor: BatchProcessor,
              handle: Callable[[SQSRecord], None],
              on_last_failure: Callable[[SQSRecord, BaseException], None] | None = None) -> dict[str, Any]:
    from eakte import wiring

    settings = STAGES[stage]

    def record_handler(record: SQSRecord) -> None:
        logger.set_correlation_id(correlation_id_of(record))
        try:
            with faults.armed(stage.value):  # no-op unless EAKTE_FAULT_INJECTION is set
                handle(record)
        except Exception as error:
            attempt = int(record.attributes.approximate_receive_count or 1)
            logger.warning("record failed", stage=stage.value, attempt=attempt, error=repr(error),
                           error_type=type(error).__name__, message_id=record.message_id)
            if isinstance(error, OcrThrottledError):
                metrics.add_metric(name=telemetry.TEXTRACT_THROTTLED, unit="Count", value=1)
            elif isinstance(error, faults.InjectedFault):
                metrics.add_metric(name=telemetry.INJECTED_FAULTS, unit="Count", value=1)
            try:
                if attempt >= settings.max_receive_count:
                    metrics.add_metric(name=telemetry.DEAD_LETTERED, unit="Count", value=1)
                    if on_last_failure is not None:
                        on_last_failure(record, error)
                else:
                    wiring.queue().delay_retry(stage, record.receipt_handle,
                                               retry_delay(attempt, isinstance(error, ThrottledError)))
            except Exception:
                # the record still fails and is retried after its visibility timeout
                logger.exception("could not schedule the retry or record the failure")
            raise

    # Lambda's answer, a plain JSON object (powertools types it as its TypedDict)
    return cast(dict[str, Any], process_partial_response(event=event, record_handler=record_handler,
                                                         processor=processor, context=context))
