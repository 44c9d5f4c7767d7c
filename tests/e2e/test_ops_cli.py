"""`make ops` (python -m eakte.local.ops) against the running local stack."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from eakte.local.client import LocalClient
from eakte.local.stack import repo_root

pytestmark = pytest.mark.e2e


def test_make_ops_prints_the_overview(stack: LocalClient) -> None:
    port = str(urlsplit(stack.base_url).port)
    done = subprocess.run([sys.executable, "-m", "eakte.local.ops", "--port", port], capture_output=True,
                          text=True, timeout=60, cwd=repo_root(), check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("eAkte ops overview")
    for stage in ("intake", "ocr", "classify", "index"):
        assert any(line.split()[:1] == [stage] for line in lines), (stage, done.stdout)
    assert any(line.startswith("documents") for line in lines)
