"""End-to-end: the local stack as `make run` starts it, in a subprocess, on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from eakte.local.client import LocalClient
from eakte.local.process import running_stack


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalClient]:
    with running_stack() as base:
        yield LocalClient(base)
