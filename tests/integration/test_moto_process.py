"""The local stack's moto server in a process of its own: serves on loopback, stops with the stack,
and does not outlive a stack that was killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import boto3
import pytest

from eakte.local.moto_process import MotoProcess

pytestmark = pytest.mark.integration


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_moto_in_its_own_process_serves_sqs_fifo_and_stops() -> None:
    server = MotoProcess()
    server.start()
    try:
        host, port = server.get_host_and_port()
        assert host == "127.0.0.1"
        sqs = boto3.client("sqs", endpoint_url=f"http://{host}:{port}", region_name="eu-central-1",
                           aws_access_key_id="local", aws_secret_access_key="local")
        url = sqs.create_queue(QueueName="t.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        for n in range(3):
            sqs.send_message(QueueUrl=url, MessageBody=str(n), MessageGroupId="g", MessageDeduplicationId=str(n))
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        assert [m["Body"] for m in got] == ["0", "1", "2"]
        pid = server._proc.pid  # type: ignore[union-attr]
    finally:
        server.stop()
    assert not _alive(pid)


def test_moto_exits_when_the_stack_that_started_it_is_killed() -> None:
    script = textwrap.dedent("""
        import sys, time
        from eakte.local.moto_process import MotoProcess
        server = MotoProcess()
        server.start()
        print(server._proc.pid, flush=True)
        time.sleep(60)
    """)
    stack = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        moto_pid = int(stack.stdout.readline())  # type: ignore[union-attr]
        assert _alive(moto_pid)
        os.kill(stack.pid, signal.SIGKILL)  # no chance to stop its child
        stack.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _alive(moto_pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(moto_pid), "moto outlived the killed stack"
    finally:
        if stack.poll() is None:
            stack.kill()
