"""Receipt Lambda: the federal endpoint's receipts (eCH-0090 v2) -> ACKNOWLEDGED or NACKED."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from eakte.exchange import wiring as exchange_wiring
from eakte.exchange.service import ReceiptService
from eakte.lambda_support import logger, metrics, new_processor, run_batch, tracer
from eakte.settings import Stage

processor = new_processor()


@cache
def service() -> ReceiptService:
    return ReceiptService(exchange_wiring.messages())


def record_handler(record: SQSRecord) -> None:
    message = service().apply(str(record.json_body["receipt"]).encode("utf-8"))
    if message.correlation_id:  # the receipt names only our message id: its upload's correlation id
        logger.set_correlation_id(message.correlation_id)
    logger.info("receipt", message_id=message.message_id, status=message.status.value)
    metrics.add_metric(name=f"Messages{message.status.value.title()}", unit="Count", value=1)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return run_batch(Stage.RECEIPT, event, context, processor, record_handler)
