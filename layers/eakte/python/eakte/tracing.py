"""The Powertools Tracer, with the X-Ray SDK loaded only where traces are recorded.

Powertools' Tracer imports aws_xray_sdk.core (and with it botocore's session machinery, ~200 ms
of every cold start) even when tracing is disabled: outside Lambda, under the local runtime, or
with POWERTOOLS_TRACE_DISABLED. There it gets a provider that records nothing instead; in Lambda
with tracing enabled it is the stock X-Ray tracer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from aws_lambda_powertools import Tracer
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment


class _NoSegment(BaseSegment):
    def close(self, end_time: int | None = None) -> None:
        pass

    def add_subsegment(self, subsegment: Any) -> None:
        pass

    def remove_subsegment(self, subsegment: Any) -> None:
        pass

    def put_annotation(self, key: str, value: Any) -> None:
        pass

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        pass

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        pass


class NoTracing(BaseProvider):
    """A tracing provider that records nothing (tracing disabled)."""

    @contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Iterator[BaseSegment]:
        yield _NoSegment()

    @asynccontextmanager
    async def in_subsegment_async(self, name: str | None = None, **kwargs: Any) -> AsyncIterator[BaseSegment]:
        yield _NoSegment()

    def put_annotation(self, key: str, value: Any) -> None:
        pass

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        pass

    def patch(self, modules: Sequence[str]) -> None:
        pass

    def patch_all(self) -> None:
        pass


def new_tracer() -> Tracer:
    """Powertools' own rule decides whether tracing is on (Lambda, not disabled by env)."""
    if Tracer._is_tracer_disabled():  # the rule Tracer() itself applies
        return Tracer(provider=NoTracing(), disabled=True, auto_patch=False)
    return Tracer()
