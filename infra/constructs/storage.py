"""Where the eAkte keeps data: one KMS key, the intake and archive buckets, and two tables.

Names, prefixes and retention periods come from `eakte.settings`, the same module the local
runtime uses to create its buckets and tables in moto.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct

from eakte.settings import (
    ARCHIVE_RETENTION_DAYS,
    GSIS,
    GSIS_KEYS_ONLY,
    INCOMING_PREFIX,
    INCOMING_RETENTION_DAYS,
    Names,
)

# Table keys shared with eakte.adapters.aws (DynamoRecordStore) and eakte.local.resources.
PARTITION_KEY = "pk"
SORT_KEY = "sk"
# Powertools idempotency's default DynamoDB schema.
IDEMPOTENCY_KEY = "id"
IDEMPOTENCY_TTL = "expiration"

NONCURRENT_VERSION_DAYS = 30  # an overwritten upload can be recovered for a month
ACCESS_LOG_RETENTION_DAYS = 365  # a year of S3 access history for audits and incident analysis


def gsi_keys(index_name: str) -> tuple[str, str]:
    """Key attributes of a GSI: gsi1 -> (gsi1pk, gsi1sk)."""
    return f"{index_name}pk", f"{index_name}sk"


class Storage(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, names: Names,
                 web_origins: Sequence[str]) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.names = names

        # One customer-managed key for buckets, queues, tables, topics and log groups: who may use
        # the eAkte's data is decided in one key policy, and every use shows up in CloudTrail.
        self.key = kms.Key(self, "Key", alias=f"alias/{names.prefix}", enable_key_rotation=True,
                           description=f"{names.prefix}: eAkte data at rest",
                           removal_policy=RemovalPolicy.RETAIN)
        # CloudWatch Logs encrypts log groups with it, for log groups of this account only.
        self.key.add_to_resource_policy(iam.PolicyStatement(
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            resources=["*"],
            conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                                    f"arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:*"}},
        ))

        # S3 server access logs only support SSE-S3 on the target bucket.
        self.access_logs = s3.Bucket(
            self, "AccessLogs",
            bucket_name=names.bucket("access-logs", stack.account, stack.region),
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            versioned=True,
            lifecycle_rules=[s3.LifecycleRule(id="expire-access-logs",
                                              expiration=Duration.days(ACCESS_LOG_RETENTION_DAYS),
                                              noncurrent_version_expiration=Duration.days(1))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        NagSuppressions.add_resource_suppressions(self.access_logs, [NagPackSuppression(
            id="AwsSolutions-S1",
            reason="This is the server access log bucket itself; logging it into itself would loop.",
        )])

        self.intake = s3.Bucket(
            self, "Intake",
            bucket_name=names.intake_bucket(stack.account, stack.region),
            **self._protected(names.prefix, "intake"),
            cors=[s3.CorsRule(  # browsers upload with the presigned POST from POST /api/uploads
                allowed_methods=[s3.HttpMethods.POST],
                allowed_origins=list(web_origins),
                allowed_headers=["*"],
                max_age=3000,
            )],
            lifecycle_rules=[
                # Originals are copied to the archive by intake; the upload copy expires.
                # quarantine/ (rejected files, kept for the record) has no expiry rule.
                s3.LifecycleRule(id="expire-incoming", prefix=INCOMING_PREFIX,
                                 expiration=Duration.days(INCOMING_RETENTION_DAYS),
                                 noncurrent_version_expiration=Duration.days(NONCURRENT_VERSION_DAYS)),
                s3.LifecycleRule(id="abort-incomplete-uploads",
                                 abort_incomplete_multipart_upload_after=Duration.days(1)),
            ],
        )

        # Object Lock (GOVERNANCE, default retention): originals and OCR results cannot be
        # overwritten or deleted during the retention period, except by someone explicitly
        # allowed to bypass governance mode.
        self.archive = s3.Bucket(
            self, "Archive",
            bucket_name=names.archive_bucket(stack.account, stack.region),
            **self._protected(names.prefix, "archive"),
            object_lock_enabled=True,
            object_lock_default_retention=s3.ObjectLockRetention.governance(
                Duration.days(ARCHIVE_RETENTION_DAYS)),
            lifecycle_rules=[s3.LifecycleRule(id="abort-incomplete-uploads",
                                              abort_incomplete_multipart_upload_after=Duration.days(1))],
        )

        self.records = dynamodb.Table(
            self, "Records",
            table_name=names.table,
            partition_key=dynamodb.Attribute(name=PARTITION_KEY, type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name=SORT_KEY, type=dynamodb.AttributeType.STRING),
            **self._table_protection(),
            deletion_protection=True,
        )
        for index_name in GSIS:
            pk, sk = gsi_keys(index_name)
            self.records.add_global_secondary_index(
                index_name=index_name,
                partition_key=dynamodb.Attribute(name=pk, type=dynamodb.AttributeType.STRING),
                sort_key=dynamodb.Attribute(name=sk, type=dynamodb.AttributeType.STRING),
                projection_type=dynamodb.ProjectionType.KEYS_ONLY if index_name in GSIS_KEYS_ONLY
                else dynamodb.ProjectionType.ALL,
            )

        self.idempotency = dynamodb.Table(
            self, "Idempotency",
            table_name=names.idempotency_table,
            partition_key=dynamodb.Attribute(name=IDEMPOTENCY_KEY, type=dynamodb.AttributeType.STRING),
            time_to_live_attribute=IDEMPOTENCY_TTL,
            **self._table_protection(),
        )

    def _protected(self, prefix: str, kind: str) -> dict[str, object]:
        """What every data bucket has: KMS, TLS only, no public access, versions, access logs."""
        return {
            "encryption": s3.BucketEncryption.KMS,
            "encryption_key": self.key,
            "bucket_key_enabled": True,  # one data key per bucket and period, not per object: KMS cost
            "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,
            "object_ownership": s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            "enforce_ssl": True,
            "versioned": True,
            "server_access_logs_bucket": self.access_logs,
            "server_access_logs_prefix": f"{prefix}-{kind}/",
            "removal_policy": RemovalPolicy.RETAIN,
        }

    def _table_protection(self) -> dict[str, object]:
        return {
            "billing_mode": dynamodb.BillingMode.PAY_PER_REQUEST,
            "encryption": dynamodb.TableEncryption.CUSTOMER_MANAGED,
            "encryption_key": self.key,
            "point_in_time_recovery_specification": dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            "removal_policy": RemovalPolicy.RETAIN,
        }
