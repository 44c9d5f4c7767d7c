"""Fault injection: make a chosen fraction of handler invocations raise at a chosen point,
before or after one of their side effects, to prove that faults lose nothing.

Off unless the environment variable `EAKTE_FAULT_INJECTION` is set (the same code runs in
Lambda and in the local stack; CDK leaves it unset). Its value:

    0.2                                   20 % of record invocations fail, at any side effect
    rate=0.2;points=after:*;seed=7        only after side effects; a reproducible sequence
    rate=0.5;points=before:queue.send,after:records.save_document

A *point* is named `before:<port>.<method>` or `after:<port>.<method>` (fnmatch patterns in
`points`). The adapters that `eakte.wiring` builds are wrapped by `inject()`, so every write
to S3, SQS, DynamoDB or the audit trail is a point; domain code stays free of fault ifs.
`lambda_support.run_batch` arms each record: with probability `rate` the record is doomed and
raises `InjectedFault` (a TransientError, so it is retried like a real outage) at one of the
points it passes, picked at random among as many points as that stage has been seen to pass.
"""

from __future__ import annotations

import fnmatch
import os
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar, cast

from eakte.errors import TransientError
from eakte.settings import EnvVar

# The methods of each port that change something (reads are not side effects).
SIDE_EFFECTS: dict[str, frozenset[str]] = {
    "objects": frozenset({"put", "copy", "delete"}),
    "queue": frozenset({"send"}),
    "records": frozenset({"put_submission", "create_document", "save_document", "create_dossier",
                           "save_dossier", "add_dossier_address"}),
    "audit": frozenset({"record"}),
    "messages": frozenset({"create", "save"}),
    "outbox": frozenset({"enqueue"}),
}


class InjectedFault(TransientError):
    """Raised on purpose by fault injection; retried like any transient error."""


@dataclass(frozen=True)
class FaultPlan:
    rate: float
    points: tuple[str, ...] = ("*",)
    seed: int | None = None

    def matches(self, point: str) -> bool:
        return any(fnmatch.fnmatchcase(point, pattern) for pattern in self.points)


def parse(value: str | None) -> FaultPlan | None:
    """The plan an environment value describes; None when fault injection is off."""
    if not value or not value.strip():
        return None
    fields: dict[str, str] = {}
    for part in value.split(";"):
        key, sep, val = part.partition("=")
        if sep:
            fields[key.strip()] = val.strip()
        elif part.strip():
            fields["rate"] = part.strip()
    try:
        rate = float(fields.get("rate", "0"))
        seed = int(fields["seed"]) if "seed" in fields else None
    except ValueError as e:
        raise ValueError(f"{EnvVar.FAULT_INJECTION.value}={value!r}: rate must be a number, seed an integer") from e
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"{EnvVar.FAULT_INJECTION.value}={value!r}: rate must be between 0 and 1")
    points = tuple(p.strip() for p in fields.get("points", "*").split(",") if p.strip()) or ("*",)
    return FaultPlan(rate=rate, points=points, seed=seed) if rate > 0 else None


@cache
def plan() -> FaultPlan | None:
    return parse(os.environ.get(EnvVar.FAULT_INJECTION))


@cache
def _rng() -> random.Random:
    current = plan()
    return random.Random(current.seed if current else None)  # noqa: S311 - chaos, not crypto


_armed = threading.local()  # per invocation thread: stage, target ordinal, points passed
_points_per_stage: dict[str, int] = {}  # how many matching points an invocation of a stage passes
injected: dict[str, int] = {}  # point -> faults raised there (this process), for tests and logs


@contextmanager
def armed(stage: str) -> Iterator[None]:
    """Around one record's processing: decide whether it fails and at which point."""
    current = plan()
    if current is None:
        yield
        return
    rng = _rng()
    doomed = rng.random() < current.rate
    _armed.stage = stage
    _armed.passed = 0
    _armed.target = rng.randint(1, _points_per_stage.get(stage, 1)) if doomed else 0
    try:
        yield
    finally:
        _points_per_stage[stage] = max(_points_per_stage.get(stage, 1), _armed.passed)
        _armed.target = 0
        _armed.stage = None


def point(name: str) -> None:
    """A fault point: raises InjectedFault if the armed invocation is meant to fail here."""
    current = plan()
    if current is None or not getattr(_armed, "stage", None) or not current.matches(name):
        return
    _armed.passed += 1
    if _armed.target and _armed.passed == _armed.target:
        _armed.target = 0  # one fault per invocation
        injected[name] = injected.get(name, 0) + 1
        raise InjectedFault(f"injected fault {name} in {_armed.stage}")


class _FaultyAdapter:
    """Proxies an adapter; its side-effect methods pass a fault point before and after."""

    def __init__(self, inner: Any, port: str, methods: frozenset[str]) -> None:
        self._inner = inner
        self._port = port
        self._methods = methods

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if name not in self._methods or not callable(attribute):
            return attribute
        port = self._port

        def with_fault_points(*args: Any, **kwargs: Any) -> Any:
            point(f"before:{port}.{name}")
            result = attribute(*args, **kwargs)
            point(f"after:{port}.{name}")
            return result

        return with_fault_points


T = TypeVar("T")


def inject(adapter: T, port: str) -> T:
    """The adapter itself when fault injection is off, else a proxy with fault points."""
    if plan() is None:
        return adapter
    # the proxy answers every call the adapter answers: to callers it is one
    return cast(T, _FaultyAdapter(adapter, port, SIDE_EFFECTS.get(port, frozenset())))
