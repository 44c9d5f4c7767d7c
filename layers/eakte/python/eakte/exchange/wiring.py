"""The exchange's adapters from the environment, once per container (see eakte.wiring)."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from eakte import wiring
from eakte.faults import inject  # off unless EAKTE_FAULT_INJECTION is set
from eakte.settings import EnvVar, Stage, queue_env


@cache
def messages() -> Any:
    from eakte.adapters.exchange import DynamoMessageStore

    return inject(DynamoMessageStore(wiring.client("dynamodb"), wiring.env(EnvVar.TABLE)), "messages")


@cache
def outbox() -> Any:
    from eakte.adapters.exchange import SqsFederalOutbox

    url = os.environ.get(queue_env(Stage.FORWARD))
    if not url:
        raise KeyError(f"environment variable {queue_env(Stage.FORWARD)} is not set")
    return inject(SqsFederalOutbox(wiring.client("sqs"), url), "outbox")


@cache
def endpoint() -> Any:
    from eakte.adapters.exchange import HttpFederalEndpoint

    return HttpFederalEndpoint(wiring.env(EnvVar.FEDERAL_ENDPOINT_URL))
