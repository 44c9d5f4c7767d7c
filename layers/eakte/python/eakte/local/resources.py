"""The embedded AWS emulation: moto's server on loopback with the same buckets, queues and
tables (names and settings from `eakte.settings`) that the CDK app creates."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass, field
from typing import Any

from eakte.settings import (
    ARCHIVE_RETENTION_DAYS,
    DEFAULT_REGION,
    GSIS,
    GSIS_KEYS_ONLY,
    INCOMING_PREFIX,
    LOCAL_ACCOUNT,
    STAGES,
    EnvVar,
    Names,
    OcrEngineKind,
    Stage,
    queue_env,
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalAws:
    """A running moto server and the resources in it."""

    names: Names
    endpoint: str
    region: str = DEFAULT_REGION
    queue_urls: dict[Stage, str] = field(default_factory=dict)
    dlq_urls: dict[Stage, str] = field(default_factory=dict)
    server: Any = None

    @property
    def intake_bucket(self) -> str:
        return self.names.intake_bucket(LOCAL_ACCOUNT, self.region)

    @property
    def archive_bucket(self) -> str:
        return self.names.archive_bucket(LOCAL_ACCOUNT, self.region)

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(service, endpoint_url=self.endpoint, region_name=self.region,
                            aws_access_key_id="local", aws_secret_access_key="local")  # noqa: S106 - moto

    def handler_environment(self, jwt_issuer: str, jwks_url: str, audience: str) -> dict[str, str]:
        """What CDK passes to the Lambdas, with moto's values."""
        env = {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            EnvVar.STAGE: self.names.stage,
            EnvVar.TABLE: self.names.table,
            EnvVar.IDEMPOTENCY_TABLE: self.names.idempotency_table,
            EnvVar.INTAKE_BUCKET: self.intake_bucket,
            EnvVar.ARCHIVE_BUCKET: self.archive_bucket,
            EnvVar.OCR_ENGINE: OcrEngineKind.TESSERACT.value,
            EnvVar.JWT_ISSUER: jwt_issuer,
            EnvVar.JWT_AUDIENCE: audience,
            EnvVar.JWKS_URL: jwks_url,
            "POWERTOOLS_SERVICE_NAME": "eakte",
            # handlers log JSON at INFO in AWS; in a terminal only warnings and errors
            "POWERTOOLS_LOG_LEVEL": os.environ.get("EAKTE_LOG_LEVEL", "WARNING"),
            "POWERTOOLS_METRICS_NAMESPACE": "eAkte",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
        }
        env.update({queue_env(stage): url for stage, url in self.queue_urls.items()})
        return env


def start_moto(port: int | None = None) -> Any:
    import logging

    from moto.server import ThreadedMotoServer

    from eakte.local.moto_speedups import install

    install()  # as in the stack's moto process (eakte.local.moto_process)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise

    # moto binds 0.0.0.0 unless told otherwise: the emulation must stay on loopback
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port or free_port(), verbose=False)
    server.start()
    return server


def create_resources(names: Names, endpoint: str, region: str = DEFAULT_REGION) -> LocalAws:
    aws = LocalAws(names=names, endpoint=endpoint, region=region)
    _queues(aws)
    _tables(aws)
    _buckets(aws)
    _textract_topic(aws)
    return aws


def _queues(aws: LocalAws) -> None:
    sqs = aws.client("sqs")
    for stage, settings in STAGES.items():
        retention = str(settings.retention_days * 86400)
        # a FIFO queue needs a FIFO DLQ; deduplication ids are explicit (the message id)
        fifo = {"FifoQueue": "true", "ContentBasedDeduplication": "false"} if settings.fifo else {}
        dlq_url = sqs.create_queue(QueueName=aws.names.dlq(stage),
                                   Attributes={"MessageRetentionPeriod": str(14 * 86400), **fifo})["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        url = sqs.create_queue(QueueName=aws.names.queue(stage), Attributes={
            "VisibilityTimeout": str(settings.visibility_timeout_s),
            "MessageRetentionPeriod": retention,
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn,
                                         "maxReceiveCount": settings.max_receive_count}),
            **fifo,
        })["QueueUrl"]
        aws.queue_urls[stage] = url
        aws.dlq_urls[stage] = dlq_url


def _tables(aws: LocalAws) -> None:
    ddb = aws.client("dynamodb")
    attrs = [{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")]
    gsis = []
    for gsi in GSIS:
        attrs += [{"AttributeName": f"{gsi}pk", "AttributeType": "S"},
                  {"AttributeName": f"{gsi}sk", "AttributeType": "S"}]
        projection = "KEYS_ONLY" if gsi in GSIS_KEYS_ONLY else "ALL"
        gsis.append({"IndexName": gsi, "Projection": {"ProjectionType": projection},
                     "KeySchema": [{"AttributeName": f"{gsi}pk", "KeyType": "HASH"},
                                   {"AttributeName": f"{gsi}sk", "KeyType": "RANGE"}]})
    ddb.create_table(TableName=aws.names.table, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=attrs,
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                {"AttributeName": "sk", "KeyType": "RANGE"}],
                     GlobalSecondaryIndexes=gsis)
    ddb.create_table(TableName=aws.names.idempotency_table, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    ddb.update_time_to_live(TableName=aws.names.idempotency_table,
                            TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiration"})


def _buckets(aws: LocalAws) -> None:
    s3 = aws.client("s3")
    location = {"LocationConstraint": aws.region}
    s3.create_bucket(Bucket=aws.intake_bucket, CreateBucketConfiguration=location)
    s3.put_bucket_versioning(Bucket=aws.intake_bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_cors(Bucket=aws.intake_bucket, CORSConfiguration={"CORSRules": [
        {"AllowedMethods": ["POST"], "AllowedOrigins": ["*"], "AllowedHeaders": ["*"]}]})
    intake_arn = aws.client("sqs").get_queue_attributes(
        QueueUrl=aws.queue_urls[Stage.INTAKE], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket=aws.intake_bucket, NotificationConfiguration={
        "QueueConfigurations": [{
            "QueueArn": intake_arn, "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": INCOMING_PREFIX}]}},
        }]})
    s3.create_bucket(Bucket=aws.archive_bucket, CreateBucketConfiguration=location,
                     ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=aws.archive_bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": ARCHIVE_RETENTION_DAYS}}})


def _textract_topic(aws: LocalAws) -> None:
    # Created for parity with AWS; the local OCR engine (Tesseract) answers synchronously.
    aws.client("sns").create_topic(Name=aws.names.textract_topic)


def apply_environment(env: dict[str, str]) -> None:
    os.environ.update(env)
