"""Bytecode for the Lambda runtime's Python (infra.bundling), without importing the CDK: the
pipeline benchmark compiles the package the same way to measure imports as the layer ships them."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

PYTHON_VERSION = "3.12"  # of infra.bundling.RUNTIME: pip picks cp312 wheels, bytecode is cpython-312
CACHE_TAG = "cpython-" + PYTHON_VERSION.replace(".", "")
LAMBDA_PYTHON_ENV = "EAKTE_LAMBDA_PYTHON"


@cache  # probed once per process: each LayerBundler and the tests' skip conditions ask
def lambda_python() -> str | None:
    """An interpreter of the Lambda runtime's Python version on this machine, or None."""
    candidates = [os.environ.get(LAMBDA_PYTHON_ENV), shutil.which(f"python{PYTHON_VERSION}"),
                  *sorted(Path.home().glob(f".pyenv/versions/{PYTHON_VERSION}.*/bin/python{PYTHON_VERSION}"),
                          reverse=True)]
    for candidate in filter(None, candidates):
        try:  # a pyenv shim is on PATH but fails when that version is not selected
            tag = subprocess.run([str(candidate), "-c", "import sys; print(sys.implementation.cache_tag)"],
                                 capture_output=True, text=True, timeout=30, check=True).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            continue
        if tag == CACHE_TAG:
            return str(candidate)
    return None


def compile_bytecode(python: str, directory: Path) -> None:
    """Bytecode for every module below `directory`, by `python`, checked by hash, not timestamp
    (unchecked-hash: an asset zip keeps no source timestamps to compare)."""
    subprocess.run([python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
                    str(directory)], check=True, stdout=subprocess.DEVNULL)
