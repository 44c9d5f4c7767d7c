"""One Lambda function the way every eAkte function is built, with least-privilege grant helpers.

Each function gets its own role (no AWS managed policy: it may write only to its own log group)
and its own KMS-encrypted log group. The grant helpers wrap CDK's grants and record, next to the
grant, why the wildcards that grant produces are acceptable (cdk-nag AwsSolutions-IAM5).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from aws_cdk import CfnElement, Duration, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct

from infra.bundling import ARCHITECTURE, RUNTIME, function_code

LOG_RETENTION = logs.RetentionDays.THREE_MONTHS
METRICS_NAMESPACE = "eAkte"  # Powertools EMF namespace; the local runtime uses the same
# Actions that KMS grants include; they cannot be narrowed without breaking S3/SQS/DynamoDB SSE.
KMS_WILDCARDS = ("Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*")


def arn_of(resource: Construct) -> str:
    """How cdk-nag prints a resource's ARN in a finding: `<LogicalId.Arn>`."""
    cfn = cast(CfnElement, resource.node.default_child)
    return f"<{Stack.of(resource).get_logical_id(cfn)}.Arn>"


class EakteFunction(Construct):
    """A python3.12/arm64 function with X-Ray tracing, its own role and its own log group."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function_name: str,
        folder: str,
        memory_mb: int,
        timeout_s: int,
        environment: Mapping[str, str],
        key: kms.IKey,
        layer: lambda_.ILayerVersion,
        image: lambda_.DockerImageCode | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                             description=f"{function_name}: only what this function needs")
        # Logs may carry personal data (names in filenames, dossier ids): encrypted, kept 3 months.
        self.log_group = logs.LogGroup(self, "Logs", log_group_name=f"/aws/lambda/{function_name}",
                                       retention=LOG_RETENTION, encryption_key=key,
                                       removal_policy=RemovalPolicy.RETAIN)
        self.log_group.grant_write(self.role)
        common = {
            "function_name": function_name,
            "architecture": ARCHITECTURE,
            "memory_size": memory_mb,
            "timeout": Duration.seconds(timeout_s),
            "tracing": lambda_.Tracing.ACTIVE,
            "role": self.role,
            "log_group": self.log_group,
            "environment": {"POWERTOOLS_SERVICE_NAME": folder, "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
                            **environment},
            "description": f"eAkte {folder}",
        }
        if image is not None:
            # the image carries its own copy of the eakte package (see functions/ocr/Dockerfile)
            self.function: lambda_.Function = lambda_.DockerImageFunction(self, "Function", code=image, **common)
        else:
            self.function = lambda_.Function(self, "Function", runtime=RUNTIME, handler="handler.handler",
                                             code=function_code(folder), layers=[layer], **common)
            NagSuppressions.add_resource_suppressions(self.function, [NagPackSuppression(
                id="AwsSolutions-L1",
                reason="Pinned to python3.12: the shared layer's compiled wheels (pydantic-core, lxml, "
                       "cryptography, pillow) are built for cp312/arm64; moving the runtime means "
                       "rebuilding and retesting the layer, done deliberately, not implicitly.",
            )])
        self._allow(
            "X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions "
            "(added by tracing=ACTIVE).",
            "Resource::*",
        )

    # --- grants -------------------------------------------------------------------------------

    def _allow(self, reason: str, *findings: str) -> None:
        NagSuppressions.add_resource_suppressions(
            self.role,
            [NagPackSuppression(id="AwsSolutions-IAM5", reason=reason, applies_to=list(findings))],
            apply_to_children=True,
        )

    def read_objects(self, bucket: s3.IBucket, pattern: str = "*") -> None:
        bucket.grant_read(self.role, pattern)
        self._allow(
            f"Read-only object access below '{pattern}' of one bucket; CDK's read grant uses "
            "s3:GetObject*/GetBucket*/List* so versioned reads (GetObjectVersion) work.",
            "Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*",
            f"Resource::{arn_of(bucket)}/{pattern}",
        )

    def put_objects(self, bucket: s3.IBucket, pattern: str) -> None:
        bucket.grant_put(self.role, pattern)
        self._allow(
            f"Write-only access to objects below '{pattern}' of one bucket (object keys are per "
            "document); s3:Abort* lets an interrupted multipart upload be cleaned up; "
            "KMS data keys are needed to encrypt the objects (SSE-KMS).",
            "Action::s3:Abort*", f"Resource::{arn_of(bucket)}/{pattern}", *KMS_WILDCARDS,
        )

    def read_write_table(self, table: dynamodb.Table, has_indexes: bool) -> None:
        table.grant_read_write_data(self.role)
        findings = list(KMS_WILDCARDS)
        if has_indexes:
            findings.append(f"Resource::{arn_of(table)}/index/*")
        self._allow("Item access to one table and its GSIs (queries by parent, inbox, dossier); "
                    "KMS data keys for the table's customer-managed encryption.", *findings)

    def item_access(self, table: dynamodb.Table, *actions: str) -> None:
        """Only the named item actions (e.g. GetItem, PutItem, Query) on one table and its GSIs."""
        table.grant(self.role, *(f"dynamodb:{a}" for a in actions))
        if table.encryption_key is not None:
            table.encryption_key.grant_encrypt_decrypt(self.role)
        self._allow("Named item actions on one table and its GSIs (a query on an index); KMS data keys for "
                    "the table's customer-managed encryption.", f"Resource::{arn_of(table)}/index/*",
                    *KMS_WILDCARDS)

    def send_to(self, queue: sqs.IQueue) -> None:
        queue.grant_send_messages(self.role)
        self._allow("Sending to a KMS-encrypted queue needs data keys of the queue's key.", *KMS_WILDCARDS)

    def allow_any_resource(self, reason: str, actions: list[str]) -> None:
        """For services whose actions support no resource-level permissions (Textract)."""
        self.role.add_to_principal_policy(iam.PolicyStatement(actions=actions, resources=["*"]))
        self._allow(reason, "Resource::*")
