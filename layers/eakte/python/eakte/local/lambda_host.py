"""Runs the handlers the way Lambda does: each handler module is loaded once per "container"
(a worker), SQS messages arrive as batch events from an event-source-mapping poller, partial
batch failures are honoured, and moto's redrive policy moves exhausted messages to the DLQ."""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from eakte.local.resources import LocalAws
from eakte.settings import STAGES, Stage


@dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int
    timeout_s: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    invoked_function_arn: str = ""
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = ""
    _deadline: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_s
        self.invoked_function_arn = f"arn:aws:lambda:local:000000000000:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


_loaded = 0
_load_lock = threading.Lock()


def load_handler(functions_dir: Path, function: str) -> ModuleType:
    """A fresh module instance of functions/<function>/handler.py: one per emulated container."""
    global _loaded  # noqa: PLW0603 - a counter for unique module names
    with _load_lock:
        _loaded += 1
        name = f"eakte_fn_{function}_{_loaded}"
        spec = importlib.util.spec_from_file_location(name, functions_dir / function / "handler.py")
        if spec is None or spec.loader is None:
            raise ImportError(f"no handler for function {function}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module


FIFO_IDLE_MIN_S, FIFO_IDLE_MAX_S = 0.05, 0.5  # pause between short polls of an empty FIFO queue
# Long polls return as soon as a message arrives; a long wait only saves the empty receives of
# sixteen idle workers (each receive costs a request to moto). Lambda's pollers wait up to 20 s.
LONG_POLL_S = 10


@dataclass
class InvocationStats:
    invocations: int = 0
    records: int = 0
    failures: int = 0
    errors: int = 0
    cpu_s: float = 0.0
    wall_s: float = 0.0


class StagePoller:
    """One event source mapping: N workers polling the stage's queue."""

    def __init__(self, aws: LocalAws, stage: Stage, functions_dir: Path, workers: int,
                 stop: threading.Event, on_error: Callable[[str], None]) -> None:
        self.aws = aws
        self.stage = stage
        self.settings = STAGES[stage]
        self.functions_dir = functions_dir
        self.workers = workers
        self.stop = stop
        self.on_error = on_error
        self.stats = InvocationStats()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for i in range(self.workers):
            module = load_handler(self.functions_dir, self.settings.function)
            t = threading.Thread(target=self._run, args=(module,), daemon=True,
                                 name=f"{self.stage.value}-{i}")
            t.start()
            self._threads.append(t)

    def _run(self, module: ModuleType) -> None:
        sqs = self.aws.client("sqs")
        url = self.aws.queue_urls[self.stage]
        arn = f"arn:aws:sqs:{self.aws.region}:000000000000:{self.aws.names.queue(self.stage)}"
        # moto's long poll on a FIFO queue spins (at full CPU, for the whole wait) while every visible
        # message belongs to a group another worker holds; there we poll short and sleep instead.
        wait_s = 0 if self.settings.fifo else LONG_POLL_S
        idle_s = FIFO_IDLE_MIN_S
        while not self.stop.is_set():
            try:
                messages = sqs.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=min(10, self.settings.batch_size), WaitTimeSeconds=wait_s,
                    AttributeNames=["All"], MessageAttributeNames=["All"],
                ).get("Messages", [])
            except Exception as e:  # noqa: BLE001 - the emulation is shutting down or hiccuped: poll again
                if not self.stop.is_set():
                    self.on_error(f"{self.stage.value}: receive failed: {e!r}")
                    time.sleep(0.5)
                continue
            if messages:
                idle_s = FIFO_IDLE_MIN_S
                self._invoke(module, sqs, url, arn, messages)
            elif not wait_s:
                self.stop.wait(idle_s)
                idle_s = min(FIFO_IDLE_MAX_S, idle_s * 2)

    def _invoke(self, module: ModuleType, sqs: Any, url: str, arn: str, messages: list[dict[str, Any]]) -> None:
        event = {"Records": [sqs_record(m, arn, self.aws.region) for m in messages]}
        context = LambdaContext(function_name=self.aws.names.function(self.settings.function),
                                memory_limit_in_mb=self.settings.memory_mb, timeout_s=self.settings.timeout_s)
        cpu0, wall0 = time.thread_time(), time.perf_counter()
        failed: set[str] = set()
        error = False
        try:
            response = module.handler(event, context) or {}
            failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
        except Exception as e:  # noqa: BLE001 - as Lambda: any crash fails the batch
            # Lambda retries the whole batch after the visibility timeout; locally we shorten that
            # wait so a crashed invocation is retried in seconds, not half an hour.
            error = True
            failed = {m["MessageId"] for m in messages}
            self.on_error(f"{self.stage.value}: handler raised {e!r}")
            for m in messages:
                sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=5)
        done = [m for m in messages if m["MessageId"] not in failed]
        for i in range(0, len(done), 10):
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(done[i:i + 10])])
        with self._lock:
            self.stats.invocations += 1
            self.stats.records += len(messages)
            self.stats.failures += len(failed)
            self.stats.errors += int(error)
            self.stats.cpu_s += time.thread_time() - cpu0
            self.stats.wall_s += time.perf_counter() - wall0


def sqs_record(message: dict[str, Any], arn: str, region: str) -> dict[str, Any]:
    """An SQS message as Lambda's event source mapping presents it."""
    attributes = message.get("Attributes", {})
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {
            "ApproximateReceiveCount": attributes.get("ApproximateReceiveCount", "1"),
            "SentTimestamp": attributes.get("SentTimestamp", "0"),
            "SenderId": attributes.get("SenderId", "local"),
            "ApproximateFirstReceiveTimestamp": attributes.get("ApproximateFirstReceiveTimestamp", "0"),
            **({"MessageGroupId": attributes["MessageGroupId"]} if "MessageGroupId" in attributes else {}),
        },
        "messageAttributes": {
            k: {"stringValue": v.get("StringValue"), "binaryValue": v.get("BinaryValue"),
                "stringListValues": [], "binaryListValues": [], "dataType": v.get("DataType", "String")}
            for k, v in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": region,
    }
