"""The document pipeline: one SQS queue (+ DLQ) per stage in front of one Lambda per stage.

intake -> ocr -> (Textract async: SNS -> ocr-result) -> classify -> index. Queue names,
visibility timeouts, receive counts, batch sizes and concurrency limits all come from
`eakte.settings.STAGES`, like the local runtime's queues and event-source emulation.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct

from eakte.settings import (
    CONSUMED_STAGES,
    INCOMING_PREFIX,
    QUARANTINE_PREFIX,
    STAGES,
    SWEEP_INTERVAL_MINUTES,
    SWEEP_STAGES,
    SWEEPER_FUNCTION,
    SWEEPER_TIMEOUT_S,
    EnvVar,
    Names,
    OcrEngineKind,
    Stage,
    StageSettings,
    queue_env,
)
from infra.bundling import ocr_image_code
from infra.constructs.function import KMS_WILDCARDS, EakteFunction
from infra.constructs.storage import Storage

DLQ_RETENTION = Duration.days(14)  # the SQS maximum: time to find the cause and redrive

# Where each consumer hands documents on. Intake's second target, the exchange queue, is granted
# by the Exchange construct, which owns the message-exchange side (and the exchange functions'
# access to data; their queues and event sources are made here like every stage's).
SENDS: Mapping[Stage, tuple[Stage, ...]] = {
    Stage.INTAKE: (Stage.OCR,),
    Stage.OCR: (Stage.CLASSIFY,),
    Stage.OCR_RESULT: (Stage.CLASSIFY,),
    Stage.CLASSIFY: (Stage.INDEX,),
    Stage.INDEX: (),
    Stage.EXCHANGE: (Stage.FORWARD, Stage.OCR),  # OCR: the PDFs a police report carries
    Stage.FORWARD: (Stage.FORWARD,),  # puts a message back behind an earlier one of the same person
    Stage.RECEIPT: (),
}


def construct_name(stage: Stage) -> str:
    """OCR_RESULT -> OcrResult: construct ids (and so logical ids) stay readable."""
    return stage.name.title().replace("_", "")


class StageQueue(Construct):
    """A stage's queue and its dead-letter queue, both KMS-encrypted and TLS-only."""

    def __init__(self, scope: Construct, construct_id: str, *, names: Names, settings: StageSettings,
                 key: kms.IKey) -> None:
        super().__init__(scope, construct_id)
        self.settings = settings
        encrypted = {"encryption": sqs.QueueEncryption.KMS, "encryption_master_key": key, "enforce_ssl": True}
        if settings.fifo:  # ordered per message group; a FIFO queue needs a FIFO DLQ
            encrypted |= {"fifo": True, "content_based_deduplication": False}
        self.dlq = sqs.Queue(self, "Dlq", queue_name=names.dlq(settings.stage),
                             retention_period=DLQ_RETENTION, **encrypted)
        self.queue = sqs.Queue(
            self, "Queue",
            queue_name=names.queue(settings.stage),
            visibility_timeout=Duration.seconds(settings.visibility_timeout_s),
            retention_period=Duration.days(settings.retention_days),
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=settings.max_receive_count, queue=self.dlq),
            **encrypted,
        )

    @property
    def stage(self) -> Stage:
        return self.settings.stage


class Pipeline(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, names: Names, storage: Storage,
                 layer: lambda_.ILayerVersion, ocr_engine: OcrEngineKind,
                 environment: Mapping[str, str]) -> None:
        super().__init__(scope, construct_id)
        # Queues have their own key. S3 and SNS deliver into them, and CDK names the delivering
        # bucket and topic in this key's policy (aws:SourceArn); were the bucket encrypted with the
        # same key, key and bucket would depend on each other. Messages carry ids, not documents.
        self.key = kms.Key(self, "QueueKey", alias=f"alias/{names.prefix}-queues", enable_key_rotation=True,
                           description=f"{names.prefix}: pipeline queues", removal_policy=RemovalPolicy.RETAIN)
        self.queues: dict[Stage, StageQueue] = {
            stage: StageQueue(self, f"{construct_name(stage)}Queue", names=names,
                              settings=settings, key=self.key)
            for stage, settings in STAGES.items()
        }

        env = dict(environment)
        env[EnvVar.OCR_ENGINE] = ocr_engine.value
        # Every handler can address every stage's queue (its own too: retries are delayed with
        # ChangeMessageVisibility); IAM decides which ones it may actually send to.
        env.update({queue_env(stage): q.queue.queue_url for stage, q in self.queues.items()})
        self.textract_topic: sns.Topic | None = None
        self.textract_role: iam.Role | None = None
        if ocr_engine is OcrEngineKind.TEXTRACT:
            self.textract_topic, self.textract_role = self._textract(names, storage)
            env[EnvVar.TEXTRACT_TOPIC_ARN] = self.textract_topic.topic_arn
            env[EnvVar.TEXTRACT_ROLE_ARN] = self.textract_role.role_arn

        self.functions: dict[Stage, EakteFunction] = {}
        for stage in (s for s in CONSUMED_STAGES if s in SENDS):
            settings = STAGES[stage]
            image = ocr_image_code() if stage is Stage.OCR and ocr_engine is OcrEngineKind.TESSERACT else None
            fn = EakteFunction(
                self, f"{construct_name(stage)}Function",
                function_name=names.function(settings.function), folder=settings.function,
                memory_mb=settings.memory_mb, timeout_s=settings.timeout_s,
                environment=env, key=storage.key, layer=layer, image=image,
            )
            source = self.queues[stage]
            fn.function.add_event_source(sources.SqsEventSource(
                source.queue,
                batch_size=settings.batch_size,
                max_batching_window=Duration.seconds(settings.max_batching_window_s)
                if settings.max_batching_window_s else None,
                report_batch_item_failures=True,  # handlers return partial batch responses
                max_concurrency=settings.max_concurrency,  # protects downstream quotas (Textract)
            ))
            # every stage loads the document record and saves its new status
            fn.read_write_table(storage.records, has_indexes=True)
            fn.read_write_table(storage.idempotency, has_indexes=False)
            for target in SENDS[stage]:
                fn.send_to(self.queues[target].queue)
            self.functions[stage] = fn

        self._grant_data_access(storage)
        self.sweeper, self.sweep_schedule = self._sweeper(names, storage, layer, env)
        # New uploads (and only those: quarantine/ copies are written by intake itself) start the pipeline.
        storage.intake.add_event_notification(
            s3.EventType.OBJECT_CREATED,
            s3n.SqsDestination(self.queues[Stage.INTAKE].queue),
            s3.NotificationKeyFilter(prefix=INCOMING_PREFIX),
        )

    def _sweeper(self, names: Names, storage: Storage, layer: lambda_.ILayerVersion,
                 env: Mapping[str, str]) -> tuple[EakteFunction, events.Rule]:
        """Documents stuck in a non-final status (a lost Textract completion, a lost message) are set
        going again or failed with a reason, every SWEEP_INTERVAL_MINUTES (eakte.logic.sweeper)."""
        fn = EakteFunction(self, "SweeperFunction", function_name=names.function(SWEEPER_FUNCTION),
                           folder=SWEEPER_FUNCTION, memory_mb=512, timeout_s=SWEEPER_TIMEOUT_S,
                           environment=env, key=storage.key, layer=layer)
        # one run at a time: two overlapping runs would both act on the same stuck documents
        fn.function.node.default_child.add_property_override("ReservedConcurrentExecutions", 1)
        # the status index; a stuck document read and saved status-conditionally: nothing deleted, no scan
        fn.item_access(storage.records, "Query", "GetItem", "PutItem", "ConditionCheckItem")
        for stage in SWEEP_STAGES:  # back to the stage it waits for, or (giving up) its DLQ
            fn.send_to(self.queues[stage].queue)
            fn.send_to(self.queues[stage].dlq)
        if self.textract_role is not None:
            fn.read_objects(storage.archive, "documents/*")  # Textract reads the original as the caller
            fn.put_objects(storage.archive, "documents/*")  # a finished job's OCR JSON and text
            fn.allow_any_resource(
                "Textract's GetDocumentTextDetection/StartDocumentTextDetection support no resource-level "
                "permissions.", ["textract:GetDocumentTextDetection", "textract:StartDocumentTextDetection"])
            self.textract_role.grant_pass_role(fn.role)
        rule = events.Rule(self, "SweepSchedule", rule_name=f"{names.prefix}-sweep",
                           description="eAkte: look at documents stuck in a non-final status",
                           schedule=events.Schedule.rate(Duration.minutes(SWEEP_INTERVAL_MINUTES)))
        # a missed run is made good by the next one: no retries piling up behind the schedule
        rule.add_target(targets.LambdaFunction(fn.function, retry_attempts=0,
                                               max_event_age=Duration.minutes(SWEEP_INTERVAL_MINUTES)))
        return fn, rule

    def _textract(self, names: Names, storage: Storage) -> tuple[sns.Topic, iam.Role]:
        """Textract's asynchronous jobs report completion to an SNS topic, read by the ocr-result stage."""
        stack = Stack.of(self)
        # On the data key, not the queue key: the ocr-result queue key's policy names this topic.
        topic = sns.Topic(self, "TextractComplete", topic_name=names.textract_topic,
                          master_key=storage.key, enforce_ssl=True)
        role = iam.Role(
            self, "TextractRole",
            # Only Textract jobs started in this account may use the role (confused deputy).
            assumed_by=iam.ServicePrincipal("textract.amazonaws.com", conditions={
                "StringEquals": {"aws:SourceAccount": stack.account},
                "ArnLike": {"aws:SourceArn": f"arn:{stack.partition}:textract:{stack.region}:{stack.account}:*"},
            }),
            description="Textract publishes job completion to the eAkte topic",
        )
        topic.grant_publish(role)
        NagSuppressions.add_resource_suppressions(role, [NagPackSuppression(
            id="AwsSolutions-IAM5",
            reason="Publishing to the KMS-encrypted topic needs data keys of the topic's key.",
            applies_to=list(KMS_WILDCARDS),
        )], apply_to_children=True)
        topic.add_subscription(subscriptions.SqsSubscription(self.queues[Stage.OCR_RESULT].queue,
                                                             raw_message_delivery=False))
        return topic, role

    def _grant_data_access(self, storage: Storage) -> None:
        fns = self.functions
        intake = fns[Stage.INTAKE]
        intake.read_objects(storage.intake, f"{INCOMING_PREFIX}*")
        intake.put_objects(storage.intake, f"{QUARANTINE_PREFIX}*")  # rejected files, kept for the record
        intake.put_objects(storage.archive, "*")  # the accepted original

        ocr = fns[Stage.OCR]
        ocr.read_objects(storage.archive)  # the original to read
        ocr.put_objects(storage.archive, "*")  # OCR JSON and text
        fns[Stage.OCR_RESULT].put_objects(storage.archive, "*")
        fns[Stage.CLASSIFY].read_objects(storage.archive)  # the OCR text

        if self.textract_role is not None:
            ocr.allow_any_resource("Textract's DetectDocumentText/StartDocumentTextDetection support no "
                                   "resource-level permissions.",
                                   ["textract:DetectDocumentText", "textract:StartDocumentTextDetection"])
            # starting an async job names the role Textract uses to publish the completion
            self.textract_role.grant_pass_role(ocr.role)
            fns[Stage.OCR_RESULT].allow_any_resource(
                "Textract's GetDocumentTextDetection supports no resource-level permissions.",
                ["textract:GetDocumentTextDetection"])
