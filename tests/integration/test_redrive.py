"""Redrive from a DLQ is one command: `python -m eakte.local.redrive`. A document whose classify
stage failed on every attempt (its OCR text was missing) lands FAILED with its message in the
DLQ; once the cause is fixed, the command moves the message back and the document finishes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from eakte.settings import STAGES, Stage
from tests.conftest import encode, text_image
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration


def _run_until_dead(h: Harness, stage: Stage) -> int:
    attempts = 0
    while messages := h.receive(stage):
        h.deliver(stage, messages)
        attempts += 1
        for m in messages:  # skip the backoff the handler asked for, as if its time had passed
            h.sqs.change_message_visibility(QueueUrl=h.aws.queue_urls[stage], ReceiptHandle=m["ReceiptHandle"],
                                            VisibilityTimeout=0)
        assert attempts <= STAGES[stage].max_receive_count
    return attempts


def test_redrive_command_brings_a_dead_document_home(h: Harness) -> None:
    sender = h.token(["municipality"], municipality="bfs-261")
    lines = ["ARBEITSVERTRAG", "zwischen der Muster Bau AG und Frau Amina Haddad", "Lohn: CHF 5200 brutto"]
    submission_id = h.upload(sender, "vertrag.png", encode(text_image(lines, size=(900, 300)), "PNG"), "image/png")
    h.pump(Stage.INTAKE)
    h.pump(Stage.OCR)
    _, view = h.api("GET", f"/api/submissions/{submission_id}", sender)
    document_id = view["documents"][0]["documentId"]
    text_key = f"documents/{document_id}/text/all.txt"
    text = h.s3.get_object(Bucket=h.aws.archive_bucket, Key=text_key)["Body"].read()
    h.s3.delete_object(Bucket=h.aws.archive_bucket, Key=text_key)  # the cause: the text is gone

    assert _run_until_dead(h, Stage.CLASSIFY) == STAGES[Stage.CLASSIFY].max_receive_count
    _, view = h.api("GET", f"/api/submissions/{submission_id}", sender)
    assert (view["documents"][0]["status"], view["documents"][0]["reason"]) == ("FAILED", "classify_failed")

    h.s3.put_object(Bucket=h.aws.archive_bucket, Key=text_key, Body=text)  # the fix
    command = [sys.executable, "-m", "eakte.local.redrive", "--endpoint", h.aws.endpoint, "--region",
               h.aws.region, "--deployment", h.aws.names.stage]
    dry = subprocess.run([*command, "--dry-run"], capture_output=True, text=True, timeout=60, check=True)
    assert "classify     moved     0   left in DLQ     1" in dry.stdout, dry.stdout
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
    assert "classify     moved     1   left in DLQ     0" in done.stdout, done.stdout
    assert "redrove 1 message(s)" in done.stdout

    assert h.pump(Stage.CLASSIFY) == 1
    assert h.pump(Stage.INDEX) == 1
    _, view = h.api("GET", f"/api/submissions/{submission_id}", sender)
    assert view["documents"][0]["status"] in {"INDEXED", "NEEDS_REVIEW"}
    status, doc = h.api("GET", f"/api/documents/{document_id}", h.token(["caseworker"], team="team-a"))
    assert status == 200 and doc["documentType"] == "employment_contract"
