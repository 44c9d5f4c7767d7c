"""The local stack as a subprocess, the way `make run` starts it: for end-to-end tests and
benchmarks, each on a free loopback port with its own emulated AWS."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import requests

from eakte.local.resources import free_port
from eakte.local.stack import repo_root


class LocalStackError(RuntimeError):
    """The local stack did not come up; carries the tail of its output."""


@contextmanager
def running_stack(extra_env: Mapping[str, str] | None = None, log: Path | None = None,
                  startup_timeout_s: float = 60) -> Iterator[str]:
    """Start `python -m eakte.local` (no samples), wait until it serves, yield its base URL, stop it."""
    port = free_port()
    # the parent's AWS/EAKTE settings (e.g. of an integration test's moto) must not leak in
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EAKTE_"))}
    env |= {"EAKTE_PORT": str(port), **(extra_env or {})}
    log_path = log or Path(tempfile.mkstemp(prefix="eakte-stack-", suffix=".log")[1])
    with log_path.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "eakte.local"], cwd=repo_root(), env=env, stdout=out,
                                stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout_s
        while True:
            try:
                if requests.get(f"{base}/api/openapi.json", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-3000:]
                raise LocalStackError(f"the local stack did not start on {base}:\n{tail}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log is None:
            log_path.unlink(missing_ok=True)
