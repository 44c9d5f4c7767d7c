"""Alarms and a dashboard for the queues: nothing is lost silently, and nothing waits unseen.

Every dead-letter queue alarms on its first message; every queue alarms when its oldest message
has waited too long. Alarms go to one KMS-encrypted SNS topic that ops subscribe to.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from eakte.settings import Names, Stage
from infra.constructs.pipeline import StageQueue, construct_name

DEFAULT_MAX_AGE = Duration.hours(1)  # a document normally passes a stage within minutes
MAX_AGE: Mapping[Stage, Duration] = {
    # Textract allows ~1 async start per second in eu-central-1: a bulk digitisation batch
    # (36,000 files of ~100 pages) legitimately queues for hours.
    Stage.OCR: Duration.hours(6),
    Stage.OCR_RESULT: Duration.hours(6),
    # No consumer yet (settings.CONSUMED_STAGES): federal messages wait here; ops must see them
    # within a working day.
    Stage.EXCHANGE: Duration.hours(24),
}
PERIOD = Duration.minutes(1)


class Observability(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, names: Names, key: kms.IKey,
                 queues: Mapping[Stage, StageQueue]) -> None:
        super().__init__(scope, construct_id)
        # CloudWatch alarms publish to the encrypted topic, so CloudWatch needs the key's data keys.
        key.add_to_resource_policy(iam.PolicyStatement(
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],
        ))
        self.alarm_topic = sns.Topic(self, "Alarms", topic_name=f"{names.prefix}-alarms",
                                     master_key=key, enforce_ssl=True)
        action = actions.SnsAction(self.alarm_topic)

        self.alarms: list[cloudwatch.Alarm] = []
        widgets: list[cloudwatch.IWidget] = []
        for stage, q in queues.items():
            visible = q.queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum")
            dead = q.dlq.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum")
            age = q.queue.metric_approximate_age_of_oldest_message(period=PERIOD, statistic="Maximum")
            max_age = MAX_AGE.get(stage, DEFAULT_MAX_AGE)
            name = construct_name(stage)
            self.alarms += [
                dead.create_alarm(
                    self, f"{name}DlqNotEmpty",
                    alarm_name=f"{names.dlq(stage)}-not-empty",
                    alarm_description=f"{stage.value}: messages failed every attempt and wait in the DLQ "
                                      "(find the cause, then redrive)",
                    threshold=0,
                    comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                    evaluation_periods=1,
                    treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                ),
                age.create_alarm(
                    self, f"{name}OldestMessage",
                    alarm_name=f"{names.queue(stage)}-oldest-message",
                    alarm_description=f"{stage.value}: the oldest message has waited over "
                                      f"{max_age.to_human_string()}",
                    threshold=max_age.to_seconds(),
                    comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                    evaluation_periods=5,  # five minutes in a row: not a single slow batch
                    treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                ),
            ]
            widgets.append(cloudwatch.GraphWidget(
                title=f"{stage.value}: waiting / dead-lettered / oldest (s)",
                left=[visible.with_(label="waiting"), dead.with_(label="dead-lettered")],
                right=[age.with_(label="oldest message age")],
                width=8,
            ))
        for alarm in self.alarms:
            alarm.add_alarm_action(action)
            alarm.add_ok_action(action)

        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=f"{names.prefix}-pipeline")
        for row in range(0, len(widgets), 3):
            self.dashboard.add_widgets(*widgets[row:row + 3])
