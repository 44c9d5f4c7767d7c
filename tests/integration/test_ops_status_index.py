"""Documents per status for the ops overview, counted on the keys-only status index (gsi4) with
Select=COUNT, never a table scan; against moto. The counts follow the documents' own writes, so
retried and re-delivered stages (conditional writes that lose) do not make them drift."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from eakte import wiring
from eakte.adapters.ops_aws import AwsPipelineMonitor, backfill_status_index
from eakte.errors import ConflictError
from eakte.logic.ops import OpsService
from eakte.models.document import Document, DocumentStatus, SubmissionKind
from eakte.settings import Names
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration


class NoScan:
    """The DynamoDB client, refusing scans: the overview must not read the table through."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        if name == "scan":
            raise AssertionError("the ops overview scanned the table")
        self.calls.append(name)
        return getattr(self._client, name)


def _monitor(h: Harness) -> tuple[AwsPipelineMonitor, NoScan]:
    ddb = NoScan(h.aws.client("dynamodb"))
    return AwsPipelineMonitor(h.aws.client("sqs"), ddb, h.aws.names.table, Names(stage="it")), ddb


def _doc(doc_id: str, status: DocumentStatus, at: datetime) -> Document:
    return Document(document_id=doc_id, submission_id="sub-ops-index", tenant="bfs-261", kind=SubmissionKind.SCAN,
                    status=status, filename="x.png", source_bucket="b", source_key="k", received_at=at, updated_at=at)


def test_counts_per_status_follow_the_documents_under_retries(h: Harness) -> None:
    monitor, ddb = _monitor(h)
    before, sampled = monitor.documents_by_status(limit=1)  # the cap of a scanning monitor: not needed here
    assert not sampled and set(before) == {s.value for s in DocumentStatus}
    records = wiring.records()
    now = datetime.now(UTC)
    run = uuid.uuid4().hex[:8]
    ids = [f"doc-idx-{run}-{n}" for n in range(5)]
    for doc_id in ids:
        assert records.create_document(_doc(doc_id, DocumentStatus.RECEIVED, now))
    assert not records.create_document(_doc(ids[0], DocumentStatus.RECEIVED, now))  # a re-delivered S3 event
    # the pipeline moves them on; a second delivery of the same stage loses its conditional write
    first = _doc(ids[0], DocumentStatus.OCR_DONE, now)
    records.save_document(first, expected_status=DocumentStatus.RECEIVED)
    with pytest.raises(ConflictError):
        records.save_document(first, expected_status=DocumentStatus.RECEIVED)
    records.save_document(_doc(ids[1], DocumentStatus.FAILED, now + timedelta(seconds=1)),
                          expected_status=DocumentStatus.RECEIVED)
    records.save_document(_doc(ids[2], DocumentStatus.FAILED, now + timedelta(seconds=2)),
                          expected_status=DocumentStatus.RECEIVED)

    after, _ = monitor.documents_by_status(limit=1)
    delta = {s: after[s] - before[s] for s in after}
    assert delta == {**{s.value: 0 for s in DocumentStatus}, "RECEIVED": 2, "OCR_DONE": 1, "FAILED": 2}
    assert "query" in ddb.calls

    failed = monitor.failed_documents(2)
    assert [d.document_id for d in failed] == [ids[2], ids[1]]  # the newest failures first

    overview = OpsService(monitor).overview()
    assert overview.documents == after and not overview.documents_sampled


def test_documents_from_before_the_index_are_backfilled_once(h: Harness) -> None:
    monitor, _ = _monitor(h)
    ddb = h.aws.client("dynamodb")
    table = h.aws.names.table
    backfill_status_index(ddb, table)  # whatever earlier tests left without keys
    before, _ = monitor.documents_by_status(limit=1)
    doc = _doc(f"doc-legacy-{uuid.uuid4().hex[:8]}", DocumentStatus.INDEXED, datetime.now(UTC))
    # written as the record store wrote documents before the status index existed
    ddb.put_item(TableName=table, Item={"pk": {"S": f"DOC#{doc.document_id}"}, "sk": {"S": "DOC"},
                                        "status": {"S": doc.status.value}, "body": {"S": doc.model_dump_json()}})
    assert monitor.documents_by_status(limit=1)[0]["INDEXED"] == before["INDEXED"]
    assert backfill_status_index(ddb, table) == 1
    assert backfill_status_index(ddb, table) == 0  # once
    assert monitor.documents_by_status(limit=1)[0]["INDEXED"] == before["INDEXED"] + 1
