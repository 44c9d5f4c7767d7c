"""Fault injection: off by default, parsed from the environment, raises where it was told."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from eakte import faults
from eakte.errors import TransientError
from eakte.settings import EnvVar

SetPlan = Callable[[str | None], None]


@pytest.fixture
def plan(monkeypatch: pytest.MonkeyPatch) -> Iterator[SetPlan]:
    def set_plan(value: str | None) -> None:
        if value is None:
            monkeypatch.delenv(EnvVar.FAULT_INJECTION, raising=False)
        else:
            monkeypatch.setenv(EnvVar.FAULT_INJECTION, value)
        faults.plan.cache_clear()
        faults._rng.cache_clear()
        faults._points_per_stage.clear()

    yield set_plan
    monkeypatch.delenv(EnvVar.FAULT_INJECTION, raising=False)
    faults.plan.cache_clear()
    faults._rng.cache_clear()


class Store:
    def __init__(self) -> None:
        self.items: list[str] = []

    def put(self, item: str) -> None:
        self.items.append(item)

    def read(self) -> list[str]:
        return self.items


def test_parse() -> None:
    assert faults.parse(None) is None and faults.parse("") is None and faults.parse("0") is None
    assert faults.parse("0.2") == faults.FaultPlan(0.2)
    assert faults.parse("rate=0.5;points=after:*,before:queue.send;seed=7") == faults.FaultPlan(
        0.5, ("after:*", "before:queue.send"), 7)
    with pytest.raises(ValueError, match="between 0 and 1"):
        faults.parse("1.5")
    with pytest.raises(ValueError, match="rate must be a number"):
        faults.parse("rate=lots")


def test_off_means_the_adapter_itself(plan: SetPlan) -> None:
    plan(None)
    store = Store()
    assert faults.inject(store, "objects") is store


def test_after_point_raises_once_the_side_effect_happened(plan: SetPlan) -> None:
    plan("rate=1;points=after:objects.put;seed=1")
    store = faults.inject(Store(), "objects")
    with faults.armed("ocr"), pytest.raises(faults.InjectedFault) as e:
        store.put("page-1")
    assert isinstance(e.value, TransientError)  # retried like an outage
    assert store.read() == ["page-1"]  # reads pass through, the write was done
    with faults.armed("ocr"):  # one fault per invocation; the next invocation fails again
        with pytest.raises(faults.InjectedFault):
            store.put("page-2")
        store.put("page-3")
    assert store.read() == ["page-1", "page-2", "page-3"]


def test_before_point_prevents_the_side_effect_and_unarmed_calls_never_fail(plan: SetPlan) -> None:
    plan("rate=1;points=before:*")
    store = faults.inject(Store(), "objects")
    store.put("outside any invocation")  # e.g. the API, or the DLQ bookkeeping after a failure
    with faults.armed("intake"), pytest.raises(faults.InjectedFault, match=r"before:objects\.put in intake"):
        store.put("x")
    assert store.read() == ["outside any invocation"]


def test_rate_is_the_fraction_of_failing_invocations(plan: SetPlan) -> None:
    plan("rate=0.2;seed=42")
    store = faults.inject(Store(), "objects")
    failed = 0
    for i in range(2000):
        try:
            with faults.armed("classify"):
                store.put(f"a{i}")
                store.put(f"b{i}")
        except faults.InjectedFault:
            failed += 1
    assert 0.16 < failed / 2000 < 0.24
    assert faults._points_per_stage["classify"] == 4  # before/after of two writes
