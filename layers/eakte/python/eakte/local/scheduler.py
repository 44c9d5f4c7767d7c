"""EventBridge schedules, locally: a timer thread that invokes a function's handler every interval
with a scheduled event, as the rule in the CDK app does (the same handler code)."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eakte.local.lambda_host import LambdaContext, load_handler
from eakte.settings import SWEEP_INTERVAL_ENV, SWEEP_LOCAL_INTERVAL_S, SWEEPER_FUNCTION, SWEEPER_TIMEOUT_S, Names


def scheduled_event(rule_arn: str) -> dict[str, Any]:
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "000000000000", "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": os.environ.get("AWS_REGION", ""), "resources": [rule_arn], "detail": {}}


class ScheduledFunction:
    def __init__(self, functions_dir: Path, function: str, function_name: str, interval_s: float,
                 timeout_s: int, stop: threading.Event, on_error: Callable[[str], None]) -> None:
        self.functions_dir = functions_dir
        self.function = function
        self.function_name = function_name
        self.interval_s = interval_s
        self.timeout_s = timeout_s
        self.stop = stop
        self.on_error = on_error
        self.invocations = 0
        self.results: list[Any] = []  # the last few, for tests and the terminal

    def start(self) -> threading.Thread:
        module = load_handler(self.functions_dir, self.function)
        thread = threading.Thread(target=self._run, args=(module,), daemon=True, name=f"schedule-{self.function}")
        thread.start()
        return thread

    def _run(self, module: Any) -> None:
        while not self.stop.wait(self.interval_s):
            try:
                result = module.handler(scheduled_event(f"arn:aws:events:local:000000000000:rule/{self.function}"),
                                        LambdaContext(self.function_name, 512, self.timeout_s))
                self.results = [*self.results[-9:], result]
            except Exception as e:  # noqa: BLE001 - as Lambda: a failed run is logged, the schedule goes on
                self.on_error(f"{self.function}: scheduled run raised {e!r}")
            self.invocations += 1


def sweeper_schedule(functions_dir: Path, names: Names, stop: threading.Event,
                     on_error: Callable[[str], None]) -> ScheduledFunction:
    interval = float(os.environ.get(SWEEP_INTERVAL_ENV) or SWEEP_LOCAL_INTERVAL_S)
    return ScheduledFunction(functions_dir, SWEEPER_FUNCTION, names.function(SWEEPER_FUNCTION), interval,
                             SWEEPER_TIMEOUT_S, stop, on_error)
