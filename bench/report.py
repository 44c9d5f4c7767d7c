"""How every benchmark prints its figures (a two-column table, metric | value) and writes them
(JSON), and how one that starts a local stack stops."""

from __future__ import annotations

import json
import signal
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
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


def write_result(path: Path, result: Any) -> None:
    """A benchmark's figures as JSON (dates and other values JSON lacks as their text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))


def folded(value: str) -> str:
    """A read value as the benches compare it with the expected one: without case, accents and
    hyphens ('Al-Hassan' = 'AL HASSAN'; 'ß' = 'ss', Turkish dotless 'ı' = 'i')."""
    value = unicodedata.normalize("NFKD", value.casefold().replace("ß", "ss").replace("ı", "i"))
    return " ".join("".join(c for c in value if not unicodedata.combining(c)).replace("-", " ").split())
