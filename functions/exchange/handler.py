"""Exchange Lambda: an inbound eCH message -> validated, filed into the dossier and queued for the
federal authority, or REJECTED with the validator's finding and a negative receipt for the sender."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from eakte import wiring
from eakte.exchange import wiring as exchange_wiring
from eakte.exchange.service import ExchangeService
from eakte.lambda_support import logger, mark_document_failed, metrics, new_processor, run_batch, tracer
from eakte.models.document import StageMessage
from eakte.settings import Stage

processor = new_processor()


@cache
def service() -> ExchangeService:
    return ExchangeService(wiring.records(), wiring.objects(), exchange_wiring.messages(), exchange_wiring.outbox(),
                           wiring.buckets(), wiring.queue())


def record_handler(record: SQSRecord) -> None:
    doc = service().run(StageMessage.model_validate(record.json_body))
    if doc is not None:
        logger.info("exchange", document_id=doc.document_id, status=doc.status.value, reason=doc.reason,
                    dossier_id=doc.dossier_id)
        metrics.add_metric(name=f"Messages{doc.status.value.title()}", unit="Count", value=1)


on_last_failure = mark_document_failed(Stage.EXCHANGE)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return run_batch(Stage.EXCHANGE, event, context, processor, record_handler, on_last_failure)
