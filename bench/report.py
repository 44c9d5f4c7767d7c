"""How every benchmark prints its figures: a two-column table, metric | value."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def print_rows(rows: Sequence[tuple[str, Any]], heading: str = "metric") -> None:
    width = max(len(heading), *(len(str(k)) for k, _ in rows))
    value_width = max(len("value"), *(len(str(v)) for _, v in rows))
    print(f"{heading:<{width}} | value")
    print(f"{'-' * width}-+-{'-' * min(value_width, 40)}")
    for k, v in rows:
        print(f"{k!s:<{width}} | {v}")
