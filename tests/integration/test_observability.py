"""Observability of the pipeline: the submission id is the correlation id from the upload through
every stage, and the handlers emit EMF metrics per tenant and document type."""

from __future__ import annotations

import json

import pytest

from eakte import telemetry
from eakte.models.document import DocumentStatus
from eakte.settings import Stage
from tests.conftest import encode, text_image
from tests.integration.conftest import Harness

pytestmark = pytest.mark.integration

CONTRACT = ["ARBEITSVERTRAG", "zwischen der Muster Bau AG, Zürich (Arbeitgeberin)",
            "und Frau Amina Haddad, geboren am 12.03.1990 (Arbeitnehmerin)", "Lohn: CHF 5200 brutto pro Monat"]


def _emf(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.startswith('{"_aws"')]


def test_correlation_id_and_metrics_follow_a_document(h: Harness, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")  # the local stack keeps its terminal quiet
    sender = h.token(["municipality"], municipality="bfs-261")
    submission_id = h.upload(sender, "vertrag.png", encode(text_image(CONTRACT, size=(1000, 400)), "PNG"),
                             "image/png")
    assert h.handler("api").logger.get_correlation_id() == submission_id  # the upload request

    capsys.readouterr()
    h.pump(Stage.INTAKE)
    assert h.handler("intake").logger.get_correlation_id() == submission_id
    messages = h.receive(Stage.OCR)
    assert [json.loads(m["Body"])["correlationId"] for m in messages] == [submission_id]
    h.deliver(Stage.OCR, messages)
    for stage, function in ((Stage.CLASSIFY, "classify"), (Stage.INDEX, "index")):
        messages = h.receive(stage)
        assert [json.loads(m["Body"])["correlationId"] for m in messages] == [submission_id]
        h.deliver(stage, messages)
        assert h.handler(function).logger.get_correlation_id() == submission_id

    emf = _emf(capsys.readouterr().out)
    detail = [e for e in emf if e.get("tenant") == "bfs-261"]
    received = [e for e in detail if telemetry.DOCUMENT_METRICS[DocumentStatus.RECEIVED] in e]
    assert received and received[0]["documentType"] == "unknown"
    dims = received[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]
    assert set(telemetry.DETAIL_DIMENSIONS) <= set(dims)
    final = [e for e in detail if telemetry.PIPELINE_LATENCY in e]
    assert final and final[0]["documentType"] == "employment_contract"
    latency = final[0][telemetry.PIPELINE_LATENCY]
    assert 0 < (latency[0] if isinstance(latency, list) else latency) < 600
    assert any(telemetry.OCR_PAGES in e for e in emf), [sorted(e) for e in emf]


def test_receipts_are_counted_as_acknowledged_and_nacked(h: Harness, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The receipt function emits the metrics the dashboard's federal message widget shows."""
    from datetime import UTC, datetime

    from eakte.exchange import ech
    from eakte.exchange import wiring as exchange_wiring
    from eakte.exchange.model import FederalMessage, MessageKind, MessageStatus
    from eakte.local.federal import receipt_to_queue
    from eakte.settings import SEDEX_FEDERAL_ID, SEDEX_OWN_ID

    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    now = datetime.now(UTC)
    send = receipt_to_queue(h.sqs, h.aws.queue_urls[Stage.RECEIPT])
    run = str(now.timestamp()).replace(".", "")
    for n, code in enumerate((ech.RECEIPT_OK, ech.RECEIPT_BUSINESS_RULE)):
        message_id = f"msg-metrics-{run}-{n}"
        exchange_wiring.messages().create(FederalMessage(
            message_id=message_id, kind=MessageKind.FORWARD, message_type="2020", status=MessageStatus.SENT,
            created_at=now, updated_at=now))
        send(ech.build_receipt(message_id, "2020", SEDEX_FEDERAL_ID, SEDEX_OWN_ID, code, "info", now))
    capsys.readouterr()
    assert h.pump(Stage.RECEIPT) == 2
    emf = _emf(capsys.readouterr().out)
    # (the service dimension is the function's folder in AWS, POWERTOOLS_SERVICE_NAME; "eakte" here)
    emitted = {x["Name"] for e in emf for m in e["_aws"]["CloudWatchMetrics"] for x in m["Metrics"]}
    assert {telemetry.MESSAGES_ACKNOWLEDGED[0], telemetry.MESSAGES_NACKED[0]} <= emitted, emitted
    assert telemetry.MESSAGES_ACKNOWLEDGED[1] == telemetry.MESSAGES_NACKED[1] == "receipt"
