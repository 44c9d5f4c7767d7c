"""The sweeper in the CDK app: a schedule rule, one run at a time, least privilege, an alarm."""

from __future__ import annotations

import json

from eakte.logic.sweeper import Outcome
from eakte.settings import (
    STAGES,
    SWEEP_INTERVAL_MINUTES,
    SWEEP_STAGES,
    SWEEPER_FUNCTION,
    SWEEPER_TIMEOUT_S,
    Names,
)
from tests.infrastructure.test_infra_template import arn_ref, listed, one, statements

NAMES = Names()


def _sweeper(synth):
    return one(synth.of_type("AWS::Lambda::Function"), FunctionName=NAMES.function(SWEEPER_FUNCTION))


def _actions(policy) -> set[str]:
    return {a for s in policy for a in listed(s["Action"])}


def test_a_schedule_rule_runs_the_sweeper_one_at_a_time(either):
    fn_id, fn = _sweeper(either)
    p = fn["Properties"]
    assert p["Timeout"] == SWEEPER_TIMEOUT_S and p["ReservedConcurrentExecutions"] == 1
    assert p["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == SWEEPER_FUNCTION
    _, rule = one(either.of_type("AWS::Events::Rule"), Name=f"{NAMES.prefix}-sweep")
    r = rule["Properties"]
    assert r["ScheduleExpression"] == f"rate({SWEEP_INTERVAL_MINUTES} minutes)" and r["State"] == "ENABLED"
    [target] = r["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [fn_id, "Arn"]}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] == 0
    [permission] = [x["Properties"] for x in either.of_type("AWS::Lambda::Permission").values()
                    if x["Properties"]["FunctionName"] == {"Fn::GetAtt": [fn_id, "Arn"]}]
    assert permission["Principal"] == "events.amazonaws.com"


def test_the_sweeper_may_send_only_to_the_waited_for_stages_and_their_dlqs(either):
    _, fn = _sweeper(either)
    policy = statements(either, fn["Properties"]["Role"]["Fn::GetAtt"][0])
    queues = either.of_type("AWS::SQS::Queue")
    allowed = {json.dumps(arn_ref(one(queues, QueueName=name)[0]))
               for stage in SWEEP_STAGES for name in (NAMES.queue(stage), NAMES.dlq(stage))}
    sends = {json.dumps(r) for s in policy if "sqs:SendMessage" in listed(s["Action"]) for r in listed(s["Resource"])}
    assert sends == allowed
    assert not {a for a in _actions(policy) if a.startswith("sqs:") and a not in
                {"sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"}}  # no receive, no delete
    assert not [a for a in _actions(policy) if a in {"dynamodb:DeleteItem", "s3:DeleteObject*", "*"}
                or (a.startswith("iam:") and a != "iam:PassRole")]
    assert set(STAGES) - set(SWEEP_STAGES)  # e.g. forward and receipt: never sent to
    dynamo = {a for a in _actions(policy) if a.startswith("dynamodb:")}
    assert dynamo == {"dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:ConditionCheckItem"}


def test_with_textract_the_sweeper_asks_and_restarts_jobs_and_passes_only_the_textract_role(textract, tesseract):
    _, fn = _sweeper(textract)
    policy = statements(textract, fn["Properties"]["Role"]["Fn::GetAtt"][0])
    textract_actions = {a for a in _actions(policy) if a.startswith("textract:")}
    assert textract_actions == {"textract:GetDocumentTextDetection", "textract:StartDocumentTextDetection"}
    [pass_role] = [s for s in policy if "iam:PassRole" in listed(s["Action"])]
    [textract_role] = [lid for lid, r in textract.of_type("AWS::IAM::Role").items()
                       if r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
                       == {"Service": "textract.amazonaws.com"}]
    assert listed(pass_role["Resource"]) == [{"Fn::GetAtt": [textract_role, "Arn"]}]
    # with Tesseract there are no jobs to ask about: no Textract, no archive access at all
    _, fn = _sweeper(tesseract)
    policy = statements(tesseract, fn["Properties"]["Role"]["Fn::GetAtt"][0])
    assert not {a for a in _actions(policy) if a.startswith(("textract:", "s3:", "iam:"))}


def test_an_alarm_when_the_sweeper_gives_documents_up(textract):
    _, alarm = one(textract.of_type("AWS::CloudWatch::Alarm"), AlarmName=f"{NAMES.prefix}-sweeper-gave-up")
    p = alarm["Properties"]
    [metric] = p["Metrics"]
    stat = metric["MetricStat"]
    assert stat["Metric"] == {"MetricName": "DocumentsSweptFailed", "Namespace": "eAkte",
                              "Dimensions": [{"Name": "service", "Value": SWEEPER_FUNCTION}]}
    assert stat["Stat"] == "Sum" and stat["Period"] == SWEEP_INTERVAL_MINUTES * 60
    assert p["Threshold"] == 1 and p["AlarmActions"] and "docs/runbook.md" in p["AlarmDescription"]
    # and its errors and throttles like every function's
    names = {a["Properties"].get("AlarmName") for a in textract.of_type("AWS::CloudWatch::Alarm").values()}
    assert {f"{NAMES.function(SWEEPER_FUNCTION)}-errors", f"{NAMES.function(SWEEPER_FUNCTION)}-throttles"} <= names


def test_the_dashboard_shows_every_outcome(textract):
    body = json.dumps(next(iter(textract.of_type("AWS::CloudWatch::Dashboard").values()))["Properties"])
    for outcome in Outcome:
        if outcome is not Outcome.SKIPPED:  # skipped: a stage was quicker, nothing happened
            assert f"DocumentsSwept{outcome.value.title()}" in body, outcome
