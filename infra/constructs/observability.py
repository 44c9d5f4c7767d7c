"""Alarms and a dashboard: nothing is lost silently, and nothing waits unseen.

Every dead-letter queue alarms on its first message; every queue alarms when its oldest message
has waited too long; every function alarms on errors and throttles; the API on 5xx and latency;
the OCR stage on sustained Textract throttling. Alarms go to one KMS-encrypted SNS topic that ops
subscribe to; docs/runbook.md says for each alarm what it means, where to look, how to redrive.
The dashboard shows the pipeline as a user sees it first (documents in, read, filed, to review,
refused; how long it takes), then the machinery (queues, functions, API).
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

from eakte import telemetry
from eakte.models.document import DocumentStatus
from eakte.settings import SWEEP_INTERVAL_MINUTES, SWEEPER_FUNCTION, Names, Stage
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
FIVE_MINUTES = Duration.minutes(5)
API_LATENCY_P95_MS = 3000  # a caseworker waits for a dossier: three seconds is already long
TEXTRACT_THROTTLES_PER_5_MIN = 10  # botocore retries first; ten that still failed, three times running
RUNBOOK = "docs/runbook.md"


class Observability(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, names: Names, key: kms.IKey,
                 queues: Mapping[Stage, StageQueue], functions: Mapping[str, lambda_.IFunction] | None = None,
                 api: apigw.RestApi | None = None) -> None:
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
        machinery = self._functions(names, functions or {}) + self._api(names, api)
        self._textract_throttling(names)
        machinery += self._sweeper(names)
        for alarm in self.alarms:
            alarm.add_alarm_action(action)
            alarm.add_ok_action(action)

        self.dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=f"{names.prefix}-pipeline")
        self.dashboard.add_widgets(cloudwatch.TextWidget(
            markdown=f"# eAkte pipeline ({names.stage})\nDocuments as the senders and caseworkers see them, "
                     f"then queues, functions and API. Every alarm: see `{RUNBOOK}`.", width=24, height=2))
        self.dashboard.add_widgets(*self._user_view())
        self.dashboard.add_widgets(*self._federal_messages())
        for row in range(0, len(widgets), 3):
            self.dashboard.add_widgets(*widgets[row:row + 3])
        for row in range(0, len(machinery), 3):
            self.dashboard.add_widgets(*machinery[row:row + 3])

    @staticmethod
    def grant_ops_overview(role: iam.IGrantable, queues: Mapping[Stage, StageQueue], key: kms.IKey) -> None:
        """GET /api/ops/overview (role ops) reads queue depths and peeks into the DLQs; nothing else."""
        for q in queues.values():
            q.queue.grant(role, "sqs:GetQueueAttributes", "sqs:GetQueueUrl")
            q.dlq.grant(role, "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage")
        key.grant_decrypt(role)  # DLQ bodies are encrypted with the queues' key

    # --- the pipeline as a user sees it ---------------------------------------------------------

    @staticmethod
    def _metric(name: str, service: str, statistic: str = "Sum", label: str | None = None) -> cloudwatch.Metric:
        # Powertools' default dimension is the service (= the function folder)
        return cloudwatch.Metric(namespace=telemetry.NAMESPACE, metric_name=name, dimensions_map={"service": service},
                                 statistic=statistic, period=FIVE_MINUTES, label=label or name)

    def _user_view(self) -> list[cloudwatch.IWidget]:
        names = telemetry.DOCUMENT_METRICS
        flow = [self._metric(names[DocumentStatus.RECEIVED], "intake", label="received"),
                self._metric(names[DocumentStatus.REJECTED], "intake", label="refused at intake"),
                self._metric(names[DocumentStatus.INDEXED], "index", label="filed in a dossier"),
                self._metric(names[DocumentStatus.NEEDS_REVIEW], "index", label="to review (inbox)")]
        latency = [self._metric(telemetry.PIPELINE_LATENCY, "index", "p50", "median"),
                   self._metric(telemetry.PIPELINE_LATENCY, "index", "p95", "95th percentile")]
        return [
            cloudwatch.GraphWidget(title="Documents per 5 minutes", left=flow, width=8, stacked=False),
            cloudwatch.GraphWidget(title="Upload to dossier/inbox (s)", left=latency, width=8),
            cloudwatch.GraphWidget(title="OCR pages per 5 minutes / Textract throttled",
                                   left=[self._metric(telemetry.OCR_PAGES, "ocr", label="pages read")],
                                   right=[self._metric(telemetry.TEXTRACT_THROTTLED, "ocr", label="throttled")],
                                   width=8),
        ]

    def _federal_messages(self) -> list[cloudwatch.IWidget]:
        """The exchange with the federal register: sent, answered (positive or negative), dead."""
        def metric(name_and_service: tuple[str, str], label: str) -> cloudwatch.Metric:
            return self._metric(*name_and_service, label=label)

        sent = metric(telemetry.MESSAGES_SENT, "sent")
        acknowledged = metric(telemetry.MESSAGES_ACKNOWLEDGED, "acknowledged")
        nacked = metric(telemetry.MESSAGES_NACKED, "refused (negative receipt)")
        dead = metric(telemetry.MESSAGES_DEAD, "dead (every attempt failed, in the DLQ)")
        refused = metric(telemetry.MESSAGES_REFUSED, "inbound refused (invalid, sender told)")
        day = Duration.days(1)
        return [
            cloudwatch.GraphWidget(title="Federal messages per 5 minutes", left=[sent, acknowledged],
                                   right=[nacked, dead, refused], width=12),
            cloudwatch.SingleValueWidget(
                title="Federal messages, last 24 hours",
                metrics=[m.with_(period=day) for m in (sent, acknowledged, nacked, dead)], width=12,
                set_period_to_time_range=True),
        ]

    # --- functions, API, Textract ---------------------------------------------------------------

    def _alarm(self, construct_id: str, metric: cloudwatch.IMetric, alarm_name: str, description: str,
               threshold: float, evaluation_periods: int = 1, datapoints: int | None = None) -> None:
        self.alarms.append(metric.create_alarm(
            self, construct_id, alarm_name=alarm_name, alarm_description=f"{description} Runbook: {RUNBOOK}",
            threshold=threshold, evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints or evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        ))

    def _functions(self, names: Names, functions: Mapping[str, lambda_.IFunction]) -> list[cloudwatch.IWidget]:
        errors, throttles = [], []
        for label, fn in sorted(functions.items()):
            error = fn.metric_errors(period=FIVE_MINUTES, statistic="Sum")
            throttle = fn.metric_throttles(period=FIVE_MINUTES, statistic="Sum")
            cid = "".join(part.title() for part in label.replace("-", "_").split("_"))
            self._alarm(f"{cid}Errors", error, f"{names.function(label)}-errors",
                        f"{label}: the function crashed (an unhandled error, a timeout or out of memory; "
                        "records that fail on their own are retried and do not count here).", 1)
            self._alarm(f"{cid}Throttles", throttle, f"{names.function(label)}-throttles",
                        f"{label}: Lambda refused invocations (account or reserved concurrency exhausted) "
                        "in three 5-minute periods running.", 1, evaluation_periods=3)
            errors.append(error.with_(label=label))
            throttles.append(throttle.with_(label=label))
        if not functions:
            return []
        return [cloudwatch.GraphWidget(title="Function errors (5 min)", left=errors, width=12),
                cloudwatch.GraphWidget(title="Function throttles (5 min)", left=throttles, width=12)]

    def _api(self, names: Names, api: apigw.RestApi | None) -> list[cloudwatch.IWidget]:
        if api is None:
            return []
        server_errors = api.metric_server_error(period=FIVE_MINUTES, statistic="Sum")
        client_errors = api.metric_client_error(period=FIVE_MINUTES, statistic="Sum", label="4xx")
        latency = api.metric_latency(period=FIVE_MINUTES, statistic="p95")
        self._alarm("Api5xx", server_errors, f"{names.prefix}-api-5xx",
                    "The API answered 5xx: the API function failed or timed out, or API Gateway could not "
                    "reach it. Bad input must get a 4xx, so every 5xx is a bug or an outage.", 1)
        self._alarm("ApiLatency", latency, f"{names.prefix}-api-latency",
                    f"The API's 95th-percentile latency was over {API_LATENCY_P95_MS} ms for 15 minutes.",
                    API_LATENCY_P95_MS, evaluation_periods=3)
        return [cloudwatch.GraphWidget(title="API requests with errors (5 min)",
                                       left=[server_errors.with_(label="5xx"), client_errors], width=12),
                cloudwatch.GraphWidget(title="API latency", left=[latency.with_(label="p95 (ms)")], width=12)]

    def _sweeper(self, names: Names) -> list[cloudwatch.IWidget]:
        """The sweeper's outcomes; an alarm when it gave a document up (FAILED, in its stage's DLQ)."""
        def swept(outcome: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(namespace=telemetry.NAMESPACE, metric_name=telemetry.swept_metric(outcome),
                                     dimensions_map={"service": SWEEPER_FUNCTION}, statistic="Sum",
                                     period=Duration.minutes(SWEEP_INTERVAL_MINUTES), label=outcome)

        self._alarm("SweeperGaveUp", swept("failed"), f"{names.prefix}-sweeper-gave-up",
                    "The sweeper found documents stuck in a non-final status and, after its bounded attempts, "
                    "marked them FAILED and put them in their stage's DLQ.", 1)
        outcomes = ("completed", "resubmitted", "waiting", "reenqueued", "failed", "error")
        return [cloudwatch.GraphWidget(title=f"Stuck documents swept (per {SWEEP_INTERVAL_MINUTES} min)",
                                       left=[swept(o) for o in outcomes], width=12)]

    def _textract_throttling(self, names: Names) -> None:
        throttled = cloudwatch.MathExpression(
            expression="FILL(ocr, 0) + FILL(result, 0)", label="Textract throttled", period=FIVE_MINUTES,
            using_metrics={"ocr": self._metric(telemetry.TEXTRACT_THROTTLED, "ocr"),
                           "result": self._metric(telemetry.TEXTRACT_THROTTLED, "ocr_result")})
        self._alarm("TextractThrottling", throttled, f"{names.prefix}-textract-throttling",
                    "Textract kept throttling OCR (after botocore's own retries) for 15 minutes: the queue's "
                    "backoff holds the documents, but the quota is too small for the load.",
                    TEXTRACT_THROTTLES_PER_5_MIN, evaluation_periods=3)
