"""The synthesized template carries the names and settings of eakte.settings."""

from __future__ import annotations

import json
from typing import Any

import pytest

from eakte.settings import (
    API,
    ARCHIVE_RETENTION_DAYS,
    CONSUMED_STAGES,
    DEFAULT_REGION,
    GROUPS,
    GSI_BY_STATUS,
    GSIS,
    GSIS_KEYS_ONLY,
    INCOMING_PREFIX,
    INCOMING_RETENTION_DAYS,
    LOCAL_ACCOUNT,
    STAGES,
    EnvVar,
    Names,
    Stage,
    queue_env,
)
from infra.constructs.pipeline import SENDS

pytestmark = pytest.mark.infrastructure

NAMES = Names()
ACCOUNT, REGION = LOCAL_ACCOUNT, DEFAULT_REGION


def one(resources: dict[str, dict[str, Any]], **properties: Any) -> tuple[str, dict[str, Any]]:
    """The single resource whose properties include `properties`."""
    found = [(lid, r) for lid, r in resources.items()
             if all(r["Properties"].get(k) == v for k, v in properties.items())]
    assert len(found) == 1, f"expected one resource with {properties}, found {len(found)}"
    return found[0]


def arn_ref(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def statements(synth, role_logical_id: str) -> list[dict[str, Any]]:
    policies = [r for r in synth.of_type("AWS::IAM::Policy").values()
                if {"Ref": role_logical_id} in r["Properties"]["Roles"]]
    return [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# --- storage -----------------------------------------------------------------------------------

@pytest.mark.parametrize("bucket", [NAMES.intake_bucket(ACCOUNT, REGION), NAMES.archive_bucket(ACCOUNT, REGION)])
def test_data_buckets_are_kms_encrypted_versioned_private_and_logged(textract, bucket):
    _, b = one(textract.of_type("AWS::S3::Bucket"), BucketName=bucket)
    p = b["Properties"]
    sse = p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert "KMSMasterKeyID" in sse["ServerSideEncryptionByDefault"]
    assert p["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(p["PublicAccessBlockConfiguration"][k] for k in
               ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"))
    assert p["LoggingConfiguration"]["DestinationBucketName"]


def test_data_buckets_refuse_plain_http(textract):
    buckets = textract.of_type("AWS::S3::Bucket")
    for name in (NAMES.intake_bucket(ACCOUNT, REGION), NAMES.archive_bucket(ACCOUNT, REGION)):
        lid, _ = one(buckets, BucketName=name)
        policy = next(r for r in textract.of_type("AWS::S3::BucketPolicy").values()
                      if r["Properties"]["Bucket"] == {"Ref": lid})
        denies = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
        assert any(s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false" for s in denies)


def test_archive_has_object_lock_governance_with_default_retention(textract):
    _, b = one(textract.of_type("AWS::S3::Bucket"), BucketName=NAMES.archive_bucket(ACCOUNT, REGION))
    assert b["Properties"]["ObjectLockEnabled"] is True
    assert b["Properties"]["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": ARCHIVE_RETENTION_DAYS}},
    }


def test_intake_expires_uploads_but_never_quarantine(textract):
    _, b = one(textract.of_type("AWS::S3::Bucket"), BucketName=NAMES.intake_bucket(ACCOUNT, REGION))
    rules = b["Properties"]["LifecycleConfiguration"]["Rules"]
    incoming = [r for r in rules if r.get("Prefix") == INCOMING_PREFIX]
    assert incoming and incoming[0]["ExpirationInDays"] == INCOMING_RETENTION_DAYS
    assert incoming[0]["NoncurrentVersionExpiration"]["NoncurrentDays"] == 30
    # every expiring rule is scoped to incoming/: quarantine/ objects are kept
    assert all(r.get("Prefix") == INCOMING_PREFIX for r in rules
               if "ExpirationInDays" in r or "NoncurrentVersionExpiration" in r)
    cors = b["Properties"]["CorsConfiguration"]["CorsRules"]
    assert any("POST" in c["AllowedMethods"] for c in cors)


def test_new_uploads_notify_the_intake_queue(textract):
    intake_queue, _ = one(textract.of_type("AWS::SQS::Queue"), QueueName=NAMES.queue(Stage.INTAKE))
    (notification,) = textract.of_type("Custom::S3BucketNotifications").values()
    (config,) = notification["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert config["Events"] == ["s3:ObjectCreated:*"]
    assert config["QueueArn"] == arn_ref(intake_queue)
    assert config["Filter"]["Key"]["FilterRules"] == [{"Name": "prefix", "Value": INCOMING_PREFIX}]


def test_kms_keys_rotate(textract):
    keys = textract.of_type("AWS::KMS::Key")
    assert keys and all(k["Properties"]["EnableKeyRotation"] is True for k in keys.values())


def test_records_table_has_pitr_kms_deletion_protection_and_the_gsis(textract):
    _, t = one(textract.of_type("AWS::DynamoDB::Table"), TableName=NAMES.table)
    p = t["Properties"]
    assert p["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    assert p["BillingMode"] == "PAY_PER_REQUEST"
    assert p["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert p["SSESpecification"]["SSEEnabled"] is True and p["SSESpecification"]["SSEType"] == "KMS"
    assert p["DeletionProtectionEnabled"] is True
    indexes = {g["IndexName"]: g for g in p["GlobalSecondaryIndexes"]}
    assert set(indexes) == set(GSIS)
    for name, gsi in indexes.items():
        assert gsi["KeySchema"] == [{"AttributeName": f"{name}pk", "KeyType": "HASH"},
                                    {"AttributeName": f"{name}sk", "KeyType": "RANGE"}]
        # the status index only counts documents: keys only, no second copy of every document
        assert gsi["Projection"] == {"ProjectionType": "KEYS_ONLY" if name in GSIS_KEYS_ONLY else "ALL"}
    assert indexes[GSI_BY_STATUS]["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert all(a["AttributeType"] == "S" for a in p["AttributeDefinitions"])


def test_idempotency_table_matches_powertools_defaults(textract):
    _, t = one(textract.of_type("AWS::DynamoDB::Table"), TableName=NAMES.idempotency_table)
    p = t["Properties"]
    assert p["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert p["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    assert p["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert p["SSESpecification"]["SSEType"] == "KMS"


# --- pipeline ------------------------------------------------------------------------------------

@pytest.mark.parametrize("stage", list(STAGES))
def test_every_stage_has_a_queue_with_its_dlq_and_settings(textract, stage):
    settings = STAGES[stage]
    queues = textract.of_type("AWS::SQS::Queue")
    dlq, dlq_resource = one(queues, QueueName=NAMES.dlq(stage))
    _, q = one(queues, QueueName=NAMES.queue(stage))
    p = q["Properties"]
    assert p["VisibilityTimeout"] == settings.visibility_timeout_s
    assert p["MessageRetentionPeriod"] == settings.retention_days * 86400
    assert p["RedrivePolicy"] == {"deadLetterTargetArn": arn_ref(dlq),
                                  "maxReceiveCount": settings.max_receive_count}
    assert "KmsMasterKeyId" in p and "KmsMasterKeyId" in dlq_resource["Properties"]


def _function(synth, folder: str) -> tuple[str, dict[str, Any]]:
    return one(synth.of_type("AWS::Lambda::Function"), FunctionName=NAMES.function(folder))


@pytest.mark.parametrize("folder", [STAGES[s].function for s in CONSUMED_STAGES] + [API.function])
def test_functions_are_arm64_python312_with_the_shared_layer(textract, folder):
    ((layer_id, layer),) = [(lid, r) for lid, r in textract.of_type("AWS::Lambda::LayerVersion").items()
                            if str(r["Properties"].get("LayerName", "")).endswith("-shared")]
    _, fn = _function(textract, folder)
    p = fn["Properties"]
    assert p["Runtime"] == "python3.12"
    assert p["Architectures"] == ["arm64"]
    assert p["Handler"] == "handler.handler"
    assert p["TracingConfig"] == {"Mode": "Active"}
    assert p["Layers"] == [{"Ref": layer_id}]
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
    env = p["Environment"]["Variables"]
    for var in (EnvVar.STAGE, EnvVar.TABLE, EnvVar.IDEMPOTENCY_TABLE, EnvVar.INTAKE_BUCKET, EnvVar.ARCHIVE_BUCKET):
        assert var.value in env
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "eAkte"


@pytest.mark.parametrize("stage", list(CONSUMED_STAGES))
def test_stage_functions_have_settings_and_every_queue_url(textract, stage):
    settings = STAGES[stage]
    _, fn = _function(textract, settings.function)
    p = fn["Properties"]
    assert p["MemorySize"] == settings.memory_mb and p["Timeout"] == settings.timeout_s
    env = p["Environment"]["Variables"]
    assert {queue_env(s) for s in STAGES} <= set(env)
    assert env[EnvVar.OCR_ENGINE] == "textract"
    assert EnvVar.TEXTRACT_TOPIC_ARN in env and EnvVar.TEXTRACT_ROLE_ARN in env


@pytest.mark.parametrize("stage", list(CONSUMED_STAGES))
def test_event_source_mappings_use_partial_batches_and_max_concurrency(textract, stage):
    settings = STAGES[stage]
    fn, _ = _function(textract, settings.function)
    queue, _ = one(textract.of_type("AWS::SQS::Queue"), QueueName=NAMES.queue(stage))
    _, esm = one(textract.of_type("AWS::Lambda::EventSourceMapping"), FunctionName={"Ref": fn})
    p = esm["Properties"]
    assert p["EventSourceArn"] == arn_ref(queue)
    assert p["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert p["ScalingConfig"] == {"MaximumConcurrency": settings.max_concurrency}
    assert p["BatchSize"] == settings.batch_size
    assert p.get("MaximumBatchingWindowInSeconds", 0) == settings.max_batching_window_s


@pytest.mark.parametrize("stage", list(CONSUMED_STAGES))
def test_functions_send_only_where_they_hand_on_and_may_delay_their_own_retries(textract, stage):
    settings = STAGES[stage]
    _, fn = _function(textract, settings.function)
    role = fn["Properties"]["Role"]["Fn::GetAtt"][0]
    queues = textract.of_type("AWS::SQS::Queue")
    arn = {s: arn_ref(one(queues, QueueName=NAMES.queue(s))[0]) for s in STAGES}
    policy = statements(textract, role)
    sends = [r for s in policy if "sqs:SendMessage" in listed(s["Action"]) for r in listed(s["Resource"])]
    expected = set(SENDS[stage]) | ({Stage.EXCHANGE} if stage is Stage.INTAKE else set())
    assert sorted(map(json.dumps, sends)) == sorted(json.dumps(arn[s]) for s in expected)
    own = [s for s in policy if "sqs:ChangeMessageVisibility" in listed(s["Action"])]
    assert [listed(s["Resource"]) for s in own] == [[arn[stage]]]


def test_textract_completion_topic_role_and_subscription(textract):
    topic, t = one(textract.of_type("AWS::SNS::Topic"), TopicName=NAMES.textract_topic)
    assert "KmsMasterKeyId" in t["Properties"]
    roles = [r for r in textract.of_type("AWS::IAM::Role").values()
             if r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
             == {"Service": "textract.amazonaws.com"}]
    assert len(roles) == 1
    ocr_result, _ = one(textract.of_type("AWS::SQS::Queue"), QueueName=NAMES.queue(Stage.OCR_RESULT))
    textract.template.has_resource_properties("AWS::SNS::Subscription", {
        "Protocol": "sqs", "TopicArn": {"Ref": topic}, "Endpoint": arn_ref(ocr_result)})


# --- api -----------------------------------------------------------------------------------------

def test_cognito_has_all_groups_mfa_and_tenant_attributes_not_writable_by_users(textract):
    groups = {g["Properties"]["GroupName"] for g in textract.of_type("AWS::Cognito::UserPoolGroup").values()}
    assert groups == set(GROUPS)
    (pool,) = textract.of_type("AWS::Cognito::UserPool").values()
    assert pool["Properties"]["MfaConfiguration"] == "ON"
    assert {a["Name"] for a in pool["Properties"]["Schema"]} >= {"municipality", "team"}
    (client,) = textract.of_type("AWS::Cognito::UserPoolClient").values()
    assert "custom:municipality" in client["Properties"]["ReadAttributes"]
    assert not any(a.startswith("custom:") for a in client["Properties"]["WriteAttributes"])


def test_api_function_knows_its_token_issuer(textract):
    _, fn = _function(textract, API.function)
    env = fn["Properties"]["Environment"]["Variables"]
    assert {EnvVar.JWT_ISSUER, EnvVar.JWKS_URL, EnvVar.JWT_AUDIENCE} <= set(env)
    assert "cognito-idp" in json.dumps(env[EnvVar.JWT_ISSUER])
    assert json.dumps(env[EnvVar.JWKS_URL]).endswith('/.well-known/jwks.json"]]}')


def _resource_id(synth, path_part: str) -> str:
    lid, _ = one(synth.of_type("AWS::ApiGateway::Resource"), PathPart=path_part)
    return lid


def test_proxy_route_requires_the_cognito_authorizer(textract):
    (authorizer,) = textract.of_type("AWS::ApiGateway::Authorizer")
    _, method = one(textract.of_type("AWS::ApiGateway::Method"), HttpMethod="ANY",
                    ResourceId={"Ref": _resource_id(textract, "{proxy+}")})
    p = method["Properties"]
    assert p["AuthorizationType"] == "COGNITO_USER_POOLS"
    assert p["AuthorizerId"] == {"Ref": authorizer}
    assert p["Integration"]["Type"] == "AWS_PROXY"
    assert "RequestValidatorId" in p


def test_openapi_document_is_public(textract):
    _, method = one(textract.of_type("AWS::ApiGateway::Method"), HttpMethod="GET",
                    ResourceId={"Ref": _resource_id(textract, "openapi.json")})
    assert method["Properties"]["AuthorizationType"] == "NONE"


def test_api_stage_logs_json_access_logs_traces_and_throttles(textract):
    (stage,) = textract.of_type("AWS::ApiGateway::Stage").values()
    p = stage["Properties"]
    fields = json.loads(p["AccessLogSetting"]["Format"])
    assert {"requestId", "ip", "user", "status"} <= set(fields)
    assert p["AccessLogSetting"]["DestinationArn"]
    assert p["TracingEnabled"] is True
    (settings,) = p["MethodSettings"]
    assert settings["ThrottlingRateLimit"] > 0 and settings["ThrottlingBurstLimit"] > 0
    assert settings["LoggingLevel"] == "ERROR" and settings["DataTraceEnabled"] is False


def test_waf_protects_the_stage(textract):
    (acl_id, acl), = textract.of_type("AWS::WAFv2::WebACL").items()
    rules = {r["Name"] for r in acl["Properties"]["Rules"]}
    assert "AWSManagedRulesCommonRuleSet" in rules
    assert any("RateBasedStatement" in r["Statement"] for r in acl["Properties"]["Rules"])
    textract.template.has_resource_properties("AWS::WAFv2::WebACLAssociation", {
        "WebACLArn": arn_ref(acl_id)})
    textract.template.resource_count_is("AWS::WAFv2::LoggingConfiguration", 1)


# --- observability -------------------------------------------------------------------------------

@pytest.mark.parametrize("stage", list(STAGES))
def test_every_dlq_and_queue_is_alarmed(textract, stage):
    alarms = textract.of_type("AWS::CloudWatch::Alarm")
    topic, _ = one(textract.of_type("AWS::SNS::Topic"), TopicName=f"{NAMES.prefix}-alarms")
    _, dead = one(alarms, AlarmName=f"{NAMES.dlq(stage)}-not-empty")
    assert dead["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert dead["Properties"]["Threshold"] == 0
    _, age = one(alarms, AlarmName=f"{NAMES.queue(stage)}-oldest-message")
    assert age["Properties"]["MetricName"] == "ApproximateAgeOfOldestMessage"
    for alarm in (dead, age):
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic}]


def test_alarm_topic_is_encrypted_and_a_dashboard_exists(textract):
    _, topic = one(textract.of_type("AWS::SNS::Topic"), TopicName=f"{NAMES.prefix}-alarms")
    assert "KmsMasterKeyId" in topic["Properties"]
    textract.template.resource_count_is("AWS::CloudWatch::Dashboard", 1)
