"""Pipeline throughput benchmark: N generated single-page scans through the running local stack.

    python bench/pipeline.py [-n 100] [--url http://127.0.0.1:8080] [--out bench/results/pipeline.json]

Without --url it starts the local stack itself (as `make run` does) on a free loopback port.
Prints a table and writes JSON: documents/minute, p50/p95 upload→INDEXED seconds, CPU ms per
document outside OCR, and each handler's cold import time (median wall clock of 5 fresh interpreters),
with the package as the layer ships it (with bytecode, infra.bundling) and from source."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.report import exit_on_sigterm, print_rows, write_result  # noqa: E402
from eakte.local.client import LocalClient  # noqa: E402
from eakte.local.process import running_stack  # noqa: E402
from eakte.settings import API, CONSUMED_STAGES, STAGES, Stage  # noqa: E402
from infra.bytecode import compile_bytecode  # noqa: E402
from samples.generate import render_single_page_scan  # noqa: E402

NON_OCR_STAGES = (Stage.INTAKE, Stage.CLASSIFY, Stage.INDEX)
LAYER_PACKAGE = ROOT / "layers" / "eakte" / "python" / "eakte"


@contextmanager
def local_stack(url: str | None) -> Iterator[str]:
    """The stack at `url`, or one of our own started like `make run` does."""
    if url:
        yield url
        return
    with running_stack() as base:
        yield base


@contextmanager
def shipped_layer() -> Iterator[Path]:
    """The eakte package as the layer ships it: a copy with bytecode (infra.bundling compiles it
    with the runtime's Python; here this interpreter's). The dependencies in the virtualenv have
    theirs from pip."""
    with tempfile.TemporaryDirectory(prefix="eakte-layer-") as tmp:
        shutil.copytree(LAYER_PACKAGE, Path(tmp) / "eakte", ignore=shutil.ignore_patterns("__pycache__"))
        compile_bytecode(sys.executable, Path(tmp))
        yield Path(tmp)


def cold_import_ms(function: str, runs: int = 5, layer: Path | None = None) -> float:
    """Wall-clock import time of functions/<function>/handler.py in a fresh interpreter, the median
    of `runs` interpreters (what a Lambda cold start pays before the first event; -X importtime
    would add its own overhead). The eakte package from `layer` (shipped_layer), else from source."""
    env = {**os.environ, "EAKTE_IDEMPOTENCY_TABLE": "bench", "AWS_DEFAULT_REGION": "eu-central-1",
           "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
    paths = [str(ROOT / "functions" / function)] + ([str(layer)] if layer else [])
    code = (f"import sys, time; sys.path[:0] = {paths!r}; "
            "t = time.perf_counter(); import handler; print((time.perf_counter() - t) * 1000)")
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                  check=True).stdout) for _ in range(runs)]
    return statistics.median(times)


def cold_imports(functions: list[str]) -> dict[str, float]:
    """Each handler's cold import with the package as shipped (with bytecode)."""
    with shipped_layer() as layer:
        return {f: round(cold_import_ms(f, layer=layer), 1) for f in functions}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(n: int, url: str | None) -> dict[str, Any]:
    scans = [render_single_page_scan(i) for i in range(n)]
    with local_stack(url) as base:
        client = LocalClient(base)
        sender = client.token("bench", ["scanner"], municipality="bench-scan")
        before = requests.get(f"{base}/local/stats", timeout=5).json()
        t0 = time.monotonic()

        def one(scan: tuple[str, bytes, str]) -> tuple[float, str, str | None]:
            filename, data, content_type = scan
            started = time.monotonic()
            submission_id = client.upload(sender, filename, data, content_type)
            view = client.wait(sender, submission_id, timeout_s=3600)
            return time.monotonic() - started, view["documents"][0]["status"], None

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(one, scans))
        elapsed = time.monotonic() - t0
        after = requests.get(f"{base}/local/stats", timeout=5).json()

    def delta(stage: Stage, key: str) -> float:
        return after[stage.value][key] - before[stage.value][key]

    latencies = [r[0] for r in results]
    statuses: dict[str, int] = {}
    for _, status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    cpu_outside_ocr = sum(delta(s, "cpu_s") for s in NON_OCR_STAGES)
    functions = [STAGES[s].function for s in CONSUMED_STAGES] + [API.function]
    return {
        "documents": n,
        "statuses": statuses,
        "elapsed_s": round(elapsed, 2),
        "documents_per_minute": round(n / elapsed * 60, 1),
        "upload_to_final_p50_s": round(percentile(latencies, 50), 2),
        "upload_to_final_p95_s": round(percentile(latencies, 95), 2),
        "cpu_ms_per_document_outside_ocr": round(cpu_outside_ocr / n * 1000, 2),
        "cpu_ms_per_document_by_stage": {s.value: round(delta(s, "cpu_s") / n * 1000, 2) for s in CONSUMED_STAGES},
        "cold_import_ms": cold_imports(functions),
        "cold_import_from_source_ms": {f: round(cold_import_ms(f), 1) for f in functions},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }


def print_table(r: dict[str, Any]) -> None:
    rows = [
        ("documents", r["documents"]),
        ("final statuses", ", ".join(f"{k} {v}" for k, v in sorted(r["statuses"].items()))),
        ("elapsed", f"{r['elapsed_s']} s"),
        ("documents / minute", r["documents_per_minute"]),
        ("upload→final p50", f"{r['upload_to_final_p50_s']} s"),
        ("upload→final p95", f"{r['upload_to_final_p95_s']} s"),
        ("CPU ms / document outside OCR", r["cpu_ms_per_document_outside_ocr"]),
        *((f"  CPU ms / document in {k}", v) for k, v in r["cpu_ms_per_document_by_stage"].items()),
        *((f"cold import {k} (ms), as shipped / from source", f"{v} / {r['cold_import_from_source_ms'][k]}")
          for k, v in r["cold_import_ms"].items()),
    ]
    print_rows(rows)


def main() -> int:
    exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=int(os.environ.get("BENCH_N", "100")))
    parser.add_argument("--url", default=None, help="a running local stack; default: start one")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "pipeline.json")
    args = parser.parse_args()
    result = run(args.n, args.url)
    print_table(result)
    write_result(args.out, result)
    print(f"\nwritten to {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
