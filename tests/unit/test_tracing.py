"""The X-Ray SDK is imported only where traces are recorded (cold-start time of every handler)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

LAYER = Path(__file__).resolve().parents[2] / "layers" / "eakte" / "python"
PROBE = (
    "import sys; import eakte.lambda_support as s\n"
    "@s.tracer.capture_lambda_handler\n"
    "def handler(event, context): return {'ok': True}\n"
    "assert handler({}, None) == {'ok': True}\n"
    "print(type(s.tracer.provider).__name__, s.tracer.disabled, 'aws_xray_sdk.core' in sys.modules)\n"
)


def _probe(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"LAMBDA_TASK_ROOT", "POWERTOOLS_TRACE_DISABLED"}}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True,
                          env=clean | {"PYTHONPATH": str(LAYER), "AWS_DEFAULT_REGION": "eu-central-1"} | env)
    return done.stdout.strip()


def test_no_xray_sdk_outside_lambda() -> None:
    assert _probe() == "NoTracing True False"


def test_no_xray_sdk_when_tracing_is_disabled_in_lambda() -> None:
    assert _probe(LAMBDA_TASK_ROOT="/var/task", POWERTOOLS_TRACE_DISABLED="true") == "NoTracing True False"


def test_xray_in_lambda_with_tracing_enabled() -> None:
    assert _probe(LAMBDA_TASK_ROOT="/var/task").split()[2] == "True"
