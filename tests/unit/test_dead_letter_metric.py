"""A record that fails its last attempt is counted as dead-lettered (RecordsDeadLettered, per
function): for the forward stage that is a federal message marked DEAD (telemetry.MESSAGES_DEAD)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from eakte import telemetry
from eakte.lambda_support import metrics, new_processor, run_batch
from eakte.local.lambda_host import LambdaContext
from eakte.settings import STAGES, Stage


def _event(attempt: int) -> dict[str, Any]:
    return {"Records": [{
        "messageId": "m-1", "receiptHandle": "rh-1", "body": json.dumps({"messageId": "fwd-1"}),
        "attributes": {"ApproximateReceiveCount": str(attempt), "SentTimestamp": "0", "MessageGroupId": "AHV-1"},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-central-1:123456789012:eakte-dev-forward.fifo", "awsRegion": "eu-central-1",
    }]}


def _fail(record: Any) -> None:
    raise RuntimeError("endpoint down")


def test_the_last_failed_attempt_counts_as_dead_lettered() -> None:
    assert telemetry.MESSAGES_DEAD == (telemetry.DEAD_LETTERED, "forward")
    last = STAGES[Stage.FORWARD].max_receive_count
    called: list[str] = []
    metrics.clear_metrics()
    response = run_batch(Stage.FORWARD, _event(last), LambdaContext("forward", 512, 30), new_processor(), _fail,
                         lambda record, error: called.append(record.message_id))
    assert response["batchItemFailures"] == [{"itemIdentifier": "m-1"}] and called == ["m-1"]
    assert metrics.metric_set[telemetry.DEAD_LETTERED]["Value"] == [1.0]
    metrics.clear_metrics()


def test_an_earlier_failed_attempt_is_retried_not_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    delays: list[tuple[Stage, str, int]] = []

    class Queue:
        def delay_retry(self, stage: Stage, receipt_handle: str, seconds: int) -> None:
            delays.append((stage, receipt_handle, seconds))

    monkeypatch.setattr("eakte.wiring.queue", Queue)
    metrics.clear_metrics()
    run_batch(Stage.FORWARD, _event(1), LambdaContext("forward", 512, 30), new_processor(), _fail)
    assert [d[:2] for d in delays] == [(Stage.FORWARD, "rh-1")]
    assert telemetry.DEAD_LETTERED not in metrics.metric_set
    metrics.clear_metrics()
