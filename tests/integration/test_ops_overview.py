"""GET /api/ops/overview (role ops): queue depths, DLQ contents, documents per status and recent
failures with correlation ids, read from the (moto) queues and table."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from eakte import wiring
from eakte.logic.ops import OpsOverview, render
from eakte.models.document import Document, DocumentStatus, SubmissionKind
from eakte.settings import STAGES, Stage
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration


def test_ops_overview_shows_dead_letters_and_failures(h: Harness) -> None:
    now = datetime.now(UTC)
    wiring.records().create_document(Document(
        document_id="doc-ops-1", submission_id="sub-ops-1", tenant="bfs-261", kind=SubmissionKind.SCAN,
        status=DocumentStatus.FAILED, reason="classify_failed", reason_detail="NotFoundError('text missing')",
        correlation_id="sub-ops-1", filename="x.png", source_bucket="b", source_key="k", received_at=now,
        updated_at=now))
    h.sqs.send_message(QueueUrl=h.aws.dlq_urls[Stage.CLASSIFY],
                       MessageBody=json.dumps({"documentId": "doc-ops-1", "correlationId": "sub-ops-1"}))
    h.sqs.send_message(QueueUrl=h.aws.queue_urls[Stage.INDEX], MessageBody=json.dumps({"documentId": "x"}))

    for role in (["caseworker"], ["auditor"], ["municipality"]):
        assert h.api("GET", "/api/ops/overview", h.token(role, municipality="bfs-261"))[0] == 403
    status, body = h.api("GET", "/api/ops/overview", h.token(["ops"]))
    assert status == 200, body
    overview = OpsOverview.model_validate(body)
    queues = {q.stage: q for q in overview.queues}
    assert set(queues) == set(STAGES)  # every stage the settings define, the same names as in AWS
    assert queues[Stage.CLASSIFY].dead == 1
    (dead,) = queues[Stage.CLASSIFY].dead_messages
    assert (dead.document_id, dead.correlation_id) == ("doc-ops-1", "sub-ops-1")
    assert queues[Stage.INDEX].waiting == 1
    assert overview.documents["FAILED"] >= 1 and not overview.documents_sampled
    assert ("doc-ops-1", "sub-ops-1", "classify_failed") in {
        (e.document_id, e.correlation_id, e.reason) for e in overview.recent_errors}

    screen = render(overview)
    assert "classify" in screen and "<-- dead letters" in screen
    assert "document doc-ops-1  correlation sub-ops-1" in screen
    assert "python -m eakte.local.redrive" in screen
