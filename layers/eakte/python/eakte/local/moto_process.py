"""moto's server in a process of its own, on loopback. In the stack's process it competed with the
handlers, the API and the federal stand-in for one interpreter lock: every AWS call of a handler
waited for moto's request handling, on one core. As a separate process the emulated AWS runs on
the other core; the handlers still reach it over HTTP exactly as before.

    python -m eakte.local.moto_process --port 5000 [--parent PID]
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from eakte.local.resources import free_port
from eakte.settings import LOCAL_HOST


class MotoStartError(RuntimeError):
    """moto's server did not come up; carries the tail of its output."""


class MotoProcess:
    """The interface of moto's ThreadedMotoServer (get_host_and_port, stop) for a child process."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._log = Path(tempfile.mkstemp(prefix="eakte-moto-", suffix=".log")[1])
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 30) -> None:
        with self._log.open("wb") as out:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "eakte.local.moto_process", "--port", str(self.port),
                 "--parent", str(os.getpid())], stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)  # Ctrl-C stops the stack, which then stops moto (after its pollers)
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with socket.create_connection((LOCAL_HOST, self.port), timeout=0.5):
                    return
            except OSError:
                pass
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise MotoStartError(f"moto did not start on {LOCAL_HOST}:{self.port}:\n"
                                     f"{self._log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)

    def get_host_and_port(self) -> tuple[str, int]:
        return LOCAL_HOST, self.port

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=5)
        self._log.unlink(missing_ok=True)


def start_moto_process(port: int | None = None) -> MotoProcess:
    server = MotoProcess(port)
    server.start()
    return server


def _exit_with_parent(parent: int) -> None:
    """The emulation lives as long as the stack: a killed stack (SIGKILL) leaves no server behind."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m eakte.local.moto_process", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--parent", type=int, default=None, help="exit when this process is gone")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    if args.parent:
        threading.Thread(target=_exit_with_parent, args=(args.parent,), daemon=True).start()
    from moto.server import main as moto_main

    from eakte.local.moto_speedups import install

    install()  # Query at the speed of a partition lookup, not of a whole-table sort
    moto_main(["--host", LOCAL_HOST, "--port", str(args.port)])  # loopback only


if __name__ == "__main__":
    main()
