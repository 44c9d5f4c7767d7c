"""Chaos: 300 documents through the local stack while 20 % of all handler invocations fail at
a random point before or after one of their side effects (EAKTE_FAULT_INJECTION=0.2, the
same handler code as in Lambda). Then: every document reaches a final status exactly once,
nothing is in a DLQ that should not be (what is there is redriven with the one command), no
duplicate index entries, no orphaned objects. The counts go to test-artifacts/chaos.md."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from eakte.local.client import LocalClient
from eakte.local.process import running_stack
from eakte.local.stack import repo_root
from eakte.models.document import FINAL_STATUSES, Dossier
from eakte.settings import CONSUMED_STAGES, DEFAULT_REGION, LOCAL_ACCOUNT, Names
from tests.conftest import encode, text_image
from tests.hostile.report import ARTIFACTS, write_table

pytestmark = pytest.mark.e2e

DOCUMENTS = 300
REJECTS_EVERY = 15  # every 15th upload is an executable named .pdf: the reject path under faults too
FAULT_RATE = 0.2
SETTLE_TIMEOUT_S = 420  # ~180 s alone on 2 cores; headroom for a busy machine
FINAL = frozenset(s.value for s in FINAL_STATUSES)
TENANT = "bfs-chaos"
PERSONS = [("Haddad", "Amina", date(1990, 3, 12)), ("Tesfaye", "Dawit", date(1988, 7, 4)),
           ("Rahimi", "Farid", date(1979, 11, 23)), ("Okafor", "Chidi", date(1995, 1, 30)),
           ("Kovačević", "Ivana", date(1984, 5, 17))]


@pytest.fixture(scope="module")
def chaos_stack() -> Iterator[tuple[LocalClient, str, Path]]:
    # German only: the faults are the point here, and one language model loads 3x faster than four
    env = {"EAKTE_FAULT_INJECTION": f"rate={FAULT_RATE}", "EAKTE_OCR_LANGUAGES": "deu"}
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "chaos-stack.log"
    with running_stack(env, log=log_path) as base:
        found = re.search(r"AWS emulation at (http://\S+)", log_path.read_text())
        assert found, "the stack did not print its AWS endpoint"
        yield LocalClient(base), found.group(1), log_path


def _aws(endpoint: str, service: str) -> Any:
    return boto3.client(service, endpoint_url=endpoint, region_name=DEFAULT_REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _scan(i: int) -> tuple[str, bytes, str]:
    if i % REJECTS_EVERY == 0:
        return f"akte-{i}.pdf", b"MZ\x90\x00" + b"This program cannot be run in DOS mode. " * 8, "application/pdf"
    n = i % len(PERSONS)
    surname, given, born = PERSONS[n]
    lines = ["ARBEITSVERTRAG", f"mit {given} {surname}, geb. {born:%d.%m.%Y}",
             f"ZEMIS-Nr. {_zemis(n)}, Lohn CHF {4000 + i} brutto"]
    return f"vertrag-{i}.png", encode(text_image(lines, size=(760, 190), font_size=22), "PNG"), "image/png"


def _rejection_evidence(s3: Any, intake: str, rejected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each rejected upload's quarantined object against the bytes this test sent under its file
    name (test-artifacts/chaos-rejections.json; pytest shortens assertion messages). This found
    one upload's bytes under another's key and declared size: the local API resolved a request
    with another's event (eakte.local.stack.API_CONTAINERS)."""
    listed = s3.list_objects_v2(Bucket=intake, Prefix="quarantine/").get("Contents", [])
    found = []
    for doc in rejected:
        keys = [o["Key"] for o in listed if doc["documentId"] in o["Key"]]
        stored = s3.get_object(Bucket=intake, Key=keys[0])["Body"].read() if keys else None
        number = re.fullmatch(r"(?:vertrag|akte)-(\d+)\.(?:png|pdf)", doc["filename"])
        sent = _scan(int(number.group(1)))[1] if number else None
        found.append({"document": doc["documentId"], "filename": doc["filename"], "reason": doc.get("reason"),
                      "detail": doc.get("reasonDetail"), "sent_bytes": None if sent is None else len(sent),
                      "stored_bytes": None if stored is None else len(stored), "stored_as_sent": stored == sent,
                      "first_stored_bytes": repr(stored[:80] if stored else None)})
    out = repo_root() / "test-artifacts" / "chaos-rejections.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(found, indent=2))
    return found


def _zemis(n: int) -> str:
    return f"{40_000_000 + 1_234_567 * (n + 1)}"


def _depths(sqs: Any, names: Names) -> dict[str, int]:
    out = {}
    for stage in CONSUMED_STAGES:
        for name in (names.queue(stage), names.dlq(stage)):
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
            out[name] = int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"])
    return out


def _settle(client: LocalClient, token: str, submissions: list[str], timeout_s: float,
            depths: Callable[[], dict[str, int]] = dict) -> dict[str, list[dict]]:
    """Wait until every submission's documents are final. If some are not, the message says where
    they stand (no document yet: the S3 event never reached intake; else each one's status) and how
    many messages each queue holds."""
    views: dict[str, list[dict]] = {}
    states: dict[str, str] = {}
    pending = list(submissions)
    deadline = time.monotonic() + timeout_s
    while pending and time.monotonic() < deadline:
        still = []
        for sid in pending:
            view = client.get(token, f"/api/submissions/{sid}")
            documents = views[sid] = view["documents"]
            states[sid] = view["status"]
            if not documents or any(d["status"] not in FINAL for d in documents):
                still.append(sid)
        pending = still
        if pending:
            time.sleep(1)
    assert not pending, f"{len(pending)} submissions not final after {timeout_s}s: " + json.dumps(
        {sid: [states.get(sid), *({k: d.get(k) for k in ("documentId", "filename", "status", "reason")}
                                  for d in views.get(sid, []))] for sid in pending[:5]}) + f"; queues: {depths()}"
    return views


@pytest.mark.timeout(600)
def test_300_documents_with_20_percent_faults_lose_nothing(chaos_stack: tuple[LocalClient, str, Path]) -> None:
    client, endpoint, log_path = chaos_stack
    names = Names()
    sqs, s3 = _aws(endpoint, "sqs"), _aws(endpoint, "s3")
    archive = names.archive_bucket(LOCAL_ACCOUNT, DEFAULT_REGION)
    intake = names.intake_bucket(LOCAL_ACCOUNT, DEFAULT_REGION)
    # the persons' dossiers exist, so the index stage has something to link (and to duplicate)
    from eakte.adapters.aws import DynamoRecordStore

    records = DynamoRecordStore(_aws(endpoint, "dynamodb"), names.table)
    for n, (surname, given, born) in enumerate(PERSONS):
        records.create_dossier(Dossier(dossier_id=f"D-CHAOS-{n}", surname=surname, given_names=given,
                                    birth_date=born, reference_numbers={"zemisNumber": _zemis(n)},
                                    created_at=datetime.now(UTC)))

    sender = client.token("chaos-gemeinde", ["municipality"], municipality=TENANT)
    reader = client.token("chaos-sachbearbeiter", ["caseworker"], team="team-a")
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=6) as pool:
        submissions = list(pool.map(lambda i: client.upload(sender, *_scan(i)), range(DOCUMENTS)))
    uploaded_s = time.monotonic() - started
    views = _settle(client, sender, submissions, SETTLE_TIMEOUT_S, lambda: _depths(sqs, names))
    settled_s = time.monotonic() - started

    # the queues drain (duplicate hand-ons after "after:queue.send" faults are de-duplicated)
    deadline = time.monotonic() + 60
    while any(d for name, d in _depths(sqs, names).items() if not name.endswith("-dlq")) \
            and time.monotonic() < deadline:
        time.sleep(1)
    depths = _depths(sqs, names)
    assert not any(d for name, d in depths.items() if not name.endswith("-dlq")), depths

    # a DLQ may only hold messages of documents that a stage marked FAILED; redrive brings them home
    first_pass = Counter(d["status"] for docs in views.values() for d in docs)
    dead = {name: d for name, d in depths.items() if name.endswith("-dlq") and d}
    failed = [d for docs in views.values() for d in docs if d["status"] == "FAILED"]
    assert sum(dead.values()) >= len([d for d in failed if d["reason"] != "ocr_failed"])
    redrive_out = ""
    if dead:
        run = subprocess.run([sys.executable, "-m", "eakte.local.redrive", "--endpoint", endpoint],
                             capture_output=True, text=True, timeout=120, check=True, cwd=repo_root())
        redrive_out = run.stdout.strip().splitlines()[-1]
        for sid in [sid for sid, docs in views.items() if any(d["status"] == "FAILED" for d in docs)]:
            views[sid] = client.wait(sender, sid, 120, FINAL - {"FAILED"})["documents"]
        deadline = time.monotonic() + 60
        while any(_depths(sqs, names).values()) and time.monotonic() < deadline:
            time.sleep(1)
    assert not any(_depths(sqs, names).values()), _depths(sqs, names)

    # every upload: exactly one document, final, and it stays so
    assert all(len(docs) == 1 for docs in views.values()), [s for s, d in views.items() if len(d) != 1]
    documents = {docs[0]["documentId"]: docs[0] for docs in views.values()}
    assert len(documents) == DOCUMENTS
    statuses = Counter(d["status"] for d in documents.values())
    assert set(statuses) <= {"INDEXED", "NEEDS_REVIEW", "REJECTED"}, statuses
    rejected = [d for d in documents.values() if d["status"] == "REJECTED"]
    evidence = _rejection_evidence(s3, intake, rejected)
    # exactly the hostile files, each stored as sent
    assert sorted(d["filename"] for d in rejected) == sorted(_scan(i)[0] for i in range(0, DOCUMENTS, REJECTS_EVERY)) \
        and all(e["stored_as_sent"] for e in evidence), [e for e in evidence if not e["stored_as_sent"]]
    assert statuses["INDEXED"] >= DOCUMENTS // 2  # linked by ZEMIS number: the index check below has teeth
    again = _settle(client, sender, submissions, 10)
    assert {d[0]["documentId"]: d[0]["status"] for d in again.values()} == \
        {i: d["status"] for i, d in documents.items()}

    # no duplicate index entries: each indexed document once in its dossier, the inbox without repeats
    linked: Counter[str] = Counter()
    dossier_ids = {client.get(reader, f"/api/documents/{i}")["dossierId"] for i, d in documents.items()
                   if d["status"] == "INDEXED"}
    for dossier_id in dossier_ids:
        timeline = [d["documentId"] for d in client.get(reader, f"/api/dossiers/{dossier_id}")["documents"]]
        assert len(timeline) == len(set(timeline)), dossier_id
        linked.update(timeline)
    indexed = {i for i, d in documents.items() if d["status"] == "INDEXED"}
    assert {i for i in linked if i in documents} == indexed
    assert all(linked[i] == 1 for i in indexed)
    inbox = [d["documentId"] for d in client.get(reader, "/api/inbox")["items"]]
    assert len(inbox) == len(set(inbox))

    # no orphaned objects: every archived object belongs to a registered document, every accepted
    # document has its original, OCR JSON and text; every quarantined file to a REJECTED one
    archived: dict[str, set[str]] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=archive, Prefix="documents/"):
        for o in page.get("Contents", []):
            _, document_id, rest = o["Key"].split("/", 2)
            archived.setdefault(document_id, set()).add(rest)
    orphans = set(archived) - set(documents)
    assert not orphans, sorted(orphans)[:5]
    accepted = {i for i, d in documents.items() if d["status"] != "REJECTED"}
    assert set(archived) == accepted
    for document_id in accepted:
        assert {"original.png", "ocr/textract.json", "text/all.txt", "text/page-0001.txt"} <= archived[document_id]
    quarantined = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=intake, Prefix=f"quarantine/{TENANT}/") for o in page.get("Contents", [])]
    assert sorted(k.split("/")[3] for k in quarantined) == \
        sorted(i for i, d in documents.items() if d["status"] == "REJECTED")

    stats = requests.get(f"{client.base_url}/local/stats", timeout=10).json()
    log = log_path.read_text(errors="replace")
    injected = Counter(m.group(1) for m in re.finditer(r"injected fault (\S+) in", log))
    assert sum(injected.values()) >= 0.1 * DOCUMENTS  # the faults really happened
    rows = [("documents uploaded", DOCUMENTS), ("uploads finished (s)", round(uploaded_s, 1)),
            ("all final (s)", round(settled_s, 1)),
            ("statuses after the first pass", dict(first_pass)),
            ("DLQ messages after the first pass", dead or 0), ("redrive", redrive_out or "not needed"),
            ("final statuses", dict(statuses)),
            ("uploads with more than one document", sum(len(d) != 1 for d in views.values())),
            ("duplicate index entries", sum(n - 1 for n in linked.values()) + len(inbox) - len(set(inbox))),
            ("orphaned objects", len(orphans) + len(set(archived) ^ accepted)),
            ("injected faults (total)", sum(injected.values()))]
    rows += [(f"injected at {p}", n) for p, n in sorted(injected.items())]
    rows += [(f"{stage}: invocations / records / failed records", f"{s['invocations']} / {s['records']} / "
              f"{s['failures']}") for stage, s in stats.items() if isinstance(s, dict)]
    write_table("chaos.md", f"Chaos: {DOCUMENTS} documents, {FAULT_RATE:.0%} of invocations faulted",
                ("measure", "value"), rows)
    (ARTIFACTS / "chaos.json").write_text(json.dumps({k: v for k, v in rows}, default=str, indent=1))
