"""Forward Lambda: deliver queued federal messages (SQS FIFO, one group per person) to the federal
endpoint, exactly once in effect: Powertools idempotency on the message id, status checks, retries
with backoff and jitter on transient failures, DEAD and the DLQ after the last attempt."""

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
from eakte.exchange import wiring as exchange_wiring
from eakte.exchange.service import ForwardService, GroupBlockedError
from eakte.lambda_support import logger, metrics, new_processor, run_batch, tracer
from eakte.ports import FederalEndpoint
from eakte.settings import EnvVar, Stage

processor = new_processor()
# One delivery per message id, even when SQS hands the same message to two invocations.
idempotency = IdempotencyConfig(event_key_jmespath="messageId", expires_after_seconds=24 * 3600)
persistence = DynamoDBPersistenceLayer(table_name=os.environ[EnvVar.IDEMPOTENCY_TABLE],
                                       boto3_client=wiring.client("dynamodb"))
# Groups (persons) with a failed message in the current batch: their later messages must wait.
_failed_groups: set[str] = set()
# How often a message is put back behind an earlier, still queued message of its person before it
# waits with backoff instead (the earlier one may not be in the queue yet: its exchange is retried).
MAX_REQUEUES = 20


@idempotent_function(data_keyword_argument="delivery", config=idempotency, persistence_store=persistence)
def hand_over(delivery: dict[str, Any]) -> dict[str, Any]:
    """The one call that must happen once per message: if recording SENT fails afterwards, the
    retry finds this call completed and only records the status."""
    exchange_wiring.endpoint().deliver(delivery["messageId"], delivery["envelope"].encode("utf-8"),
                                       delivery["payload"].encode("utf-8"))
    return {"messageId": delivery["messageId"], "accepted": True}


class IdempotentEndpoint(FederalEndpoint):
    def deliver(self, message_id: str, envelope: bytes, payload: bytes) -> None:
        hand_over(delivery={"messageId": message_id, "envelope": envelope.decode("utf-8"),
                            "payload": payload.decode("utf-8")})


@cache
def service() -> ForwardService:
    return ForwardService(exchange_wiring.messages(), wiring.objects(), IdempotentEndpoint(), wiring.buckets())


def record_handler(record: SQSRecord) -> None:
    group = record.attributes.message_group_id or ""
    message_id, requeued = str(record.json_body["messageId"]), int(record.json_body.get("requeued", 0))
    if group in _failed_groups:
        raise GroupBlockedError(f"message group {group} has an undelivered earlier message")
    try:
        delivered = service().forward(message_id)
        if delivered is None:  # not its turn
            if requeued >= MAX_REQUEUES:
                raise GroupBlockedError(f"{message_id} waits for an earlier message of {group}")
            exchange_wiring.outbox().enqueue(message_id, group, requeued + 1,  # behind the earlier one
                                             correlation_id=record.json_body.get("correlationId"))
            logger.info("forward requeued", message_id=message_id, requeued=requeued + 1)
            return
    except Exception:
        _failed_groups.add(group)
        raise
    logger.info("forward", message_id=delivered.message_id, status=delivered.status.value)
    metrics.add_metric(name="MessagesForwarded", unit="Count", value=1)


def on_last_failure(record: SQSRecord, error: BaseException) -> None:
    service().mark_dead(str(record.json_body.get("messageId")), f"delivery failed: {error!r}")


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    idempotency.register_lambda_context(context)
    _failed_groups.clear()
    return run_batch(Stage.FORWARD, event, context, processor, record_handler, on_last_failure)
