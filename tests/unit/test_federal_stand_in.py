"""The federal stand-in's fault controls (eakte.local.federal): what the exchange tests rely on."""

from __future__ import annotations

import pytest

from eakte.local.federal import FederalStandIn


def test_fail_next_fails_exactly_that_many_deliveries() -> None:
    stand_in = FederalStandIn(on_receipt=lambda _: None, seed=1)
    assert stand_in.control({"failNext": 2})["failNext"] == 2
    answers = [stand_in.receive(b"not a delivery")[0] for _ in range(4)]
    # two transient failures, then the delivery itself is judged (here: malformed, not a 503)
    assert answers[:2] == [503, 503] and 503 not in answers[2:]
    assert stand_in.stats(False)["transientFailures"] == 2
    stand_in.control({"failNext": 3, "reset": True})  # reset first, then the new count
    assert stand_in.stats(False)["failNext"] == 3
    assert stand_in.control({"reset": True})["failNext"] == 0


def test_fail_next_must_be_a_count() -> None:
    stand_in = FederalStandIn(on_receipt=lambda _: None)
    with pytest.raises(ValueError, match="negative"):
        stand_in.control({"failNext": -1})
    with pytest.raises(ValueError):
        stand_in.control({"failNext": "two"})
