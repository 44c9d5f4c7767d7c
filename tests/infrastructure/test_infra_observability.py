"""Alarms on functions, API and Textract throttling; the dashboard's user view; a runbook entry
for every kind of alarm the stack creates."""

from __future__ import annotations

import json
import re

import pytest

from eakte import telemetry
from eakte.settings import API, STAGES, Names
from tests.conftest import REPO

pytestmark = pytest.mark.infrastructure

NAMES = Names()
RUNBOOK = REPO / "docs" / "runbook.md"


def _alarms(synth) -> dict[str, dict]:
    return {r["Properties"]["AlarmName"]: r["Properties"]
            for r in synth.of_type("AWS::CloudWatch::Alarm").values()}


def test_every_function_alarms_on_errors_and_throttles(textract):
    alarms = _alarms(textract)
    functions = {r["Properties"]["FunctionName"] for r in textract.of_type("AWS::Lambda::Function").values()
                 if str(r["Properties"].get("FunctionName", "")).startswith(NAMES.prefix)}
    assert NAMES.function(API.function) in functions
    assert {NAMES.function(STAGES[s].function) for s in STAGES} & functions
    for function in functions:
        errors, throttles = alarms[f"{function}-errors"], alarms[f"{function}-throttles"]
        assert (errors["MetricName"], errors["Namespace"], errors["Threshold"]) == ("Errors", "AWS/Lambda", 1)
        assert throttles["MetricName"] == "Throttles"
        assert errors["AlarmActions"] and errors["OKActions"]


def test_api_5xx_latency_and_textract_throttling_are_alarmed(textract):
    alarms = _alarms(textract)
    assert alarms[f"{NAMES.prefix}-api-5xx"]["MetricName"] == "5XXError"
    latency = alarms[f"{NAMES.prefix}-api-latency"]
    assert (latency["MetricName"], latency["ExtendedStatistic"]) == ("Latency", "p95")
    throttling = alarms[f"{NAMES.prefix}-textract-throttling"]
    names = {m["MetricStat"]["Metric"]["MetricName"] for m in throttling["Metrics"] if "MetricStat" in m}
    assert names == {telemetry.TEXTRACT_THROTTLED}


def test_dashboard_shows_the_documents_first(textract):
    (dashboard,) = textract.of_type("AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for metric in ("DocumentsReceived", "DocumentsIndexed", "DocumentsNeedsReview", "DocumentsRejected",
                   telemetry.PIPELINE_LATENCY, telemetry.OCR_PAGES):
        assert metric in body
    assert body.index("DocumentsReceived") < body.index("ApproximateNumberOfMessagesVisible")


def test_every_alarm_kind_has_a_runbook_entry(textract):
    runbook = RUNBOOK.read_text(encoding="utf-8")
    kinds = {re.sub(r"^.*-(dlq-not-empty|oldest-message|errors|throttles|api-5xx|api-latency|"
                    r"textract-throttling|sweeper-gave-up)$", r"\1", name.replace("-dlq.fifo-", "-dlq-"))
             for name in _alarms(textract)}
    assert kinds <= {"dlq-not-empty", "oldest-message", "errors", "throttles", "api-5xx", "api-latency",
                     "textract-throttling", "sweeper-gave-up"}, kinds
    for kind in kinds:
        assert f"`*-{kind}`" in runbook, f"no runbook section for {kind}"
    assert "python -m eakte.local.redrive" in runbook


def test_dashboard_shows_federal_messages_sent_acknowledged_nacked_dead(textract):
    (dashboard,) = textract.of_type("AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"]).replace('\\"', '"')
    widgets = re.findall(r'"title":"(Federal messages[^"]*)"', body)
    assert widgets == ["Federal messages per 5 minutes", "Federal messages, last 24 hours"]
    for name, service in (telemetry.MESSAGES_SENT, telemetry.MESSAGES_ACKNOWLEDGED, telemetry.MESSAGES_NACKED,
                          telemetry.MESSAGES_DEAD, telemetry.MESSAGES_REFUSED):
        # the metric as the function emits it: namespace, name, and its service (the function's folder)
        assert f'["{telemetry.NAMESPACE}","{name}","service","{service}"' in body, (name, service)
    functions = {r["Properties"]["Environment"]["Variables"].get("POWERTOOLS_SERVICE_NAME")
                 for r in textract.of_type("AWS::Lambda::Function").values()
                 if "Environment" in r["Properties"]}
    assert {"forward", "receipt", "exchange"} <= functions
    # the messages come after the documents, before the machinery
    assert body.index("DocumentsReceived") < body.index("Federal messages") < body.index("Function errors")
