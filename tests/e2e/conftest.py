"""End-to-end: the local stack as `make run` starts it, in a subprocess, on a free loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import requests

from eakte.local.client import LocalClient
from eakte.local.resources import free_port
from eakte.local.stack import repo_root


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalClient]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "EAKTE_"))}
    env["EAKTE_PORT"] = str(port)
    proc = subprocess.Popen([sys.executable, "-m", "eakte.local"], cwd=repo_root(), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"{base}/api/openapi.json", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out = proc.stdout.read() if proc.stdout else ""
            pytest.fail(f"the local stack did not start:\n{out}")
        time.sleep(0.3)
    yield LocalClient(base)
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
