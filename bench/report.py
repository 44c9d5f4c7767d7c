"""How every benchmark prints its figures (a two-column table, metric | value), and how one that
starts a local stack stops."""

from __future__ import annotations

import signal
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any


def exit_on_sigterm() -> None:
    """Leave by SystemExit on SIGTERM (kill, a job's timeout), as on Ctrl-C, so that the local stack
    a benchmark started is stopped by its context manager instead of running on without it."""
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))


def print_rows(rows: Sequence[tuple[str, Any]], heading: str = "metric") -> None:
    width = max(len(heading), *(len(str(k)) for k, _ in rows))
    value_width = max(len("value"), *(len(str(v)) for _, v in rows))
    print(f"{heading:<{width}} | value")
    print(f"{'-' * width}-+-{'-' * min(value_width, 40)}")
    for k, v in rows:
        print(f"{k!s:<{width}} | {v}")


def folded(value: str) -> str:
    """A read value as the benches compare it with the expected one: without case, accents and
    hyphens ('Al-Hassan' = 'AL HASSAN'; 'ß' = 'ss', Turkish dotless 'ı' = 'i')."""
    value = unicodedata.normalize("NFKD", value.casefold().replace("ß", "ss").replace("ı", "i"))
    return " ".join("".join(c for c in value if not unicodedata.combining(c)).replace("-", " ").split())
