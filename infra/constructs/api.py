"""The REST API: Cognito sign-in, API Gateway (WAF, throttling, access logs) and the api Lambda.

API Gateway checks the Cognito ID token on every route except the public OpenAPI document;
the api Lambda verifies the same token again (issuer, audience, JWKS) as it does locally
against the dev issuer, and applies roles (groups) and tenant (custom:municipality).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from aws_cdk import ArnFormat, Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct

from eakte.adapters.archived_audit import AUDIT_PREFIX
from eakte.settings import (
    API,
    GROUPS,
    INCOMING_PREFIX,
    QUARANTINE_PREFIX,
    SIGN_IN_TOKEN_TTL_S,
    TEAM_CLAIM,
    TENANT_CLAIM,
    EnvVar,
    Names,
)
from infra.constructs.function import LOG_RETENTION, EakteFunction
from infra.constructs.storage import Storage

OPENAPI_PATH = "openapi.json"  # GET /api/openapi.json, public (API contract)
# Stage-wide limits; API Gateway answers 429 above them. Uploads go straight to S3, so API
# traffic is caseworker clicks plus one POST /api/uploads per file.
THROTTLE_RATE_RPS = 100
THROTTLE_BURST = 200
# Requests per IP in 5 minutes before WAF blocks. Generous: a municipality's caseworkers often
# share one NAT address.
WAF_RATE_LIMIT_PER_IP = 6000
CUSTOM_ATTRIBUTE_MAX_LEN = 64

ACCESS_LOG_FIELDS = {
    "requestId": apigw.AccessLogField.context_request_id(),
    "time": apigw.AccessLogField.context_request_time(),
    "ip": apigw.AccessLogField.context_identity_source_ip(),
    "userAgent": apigw.AccessLogField.context_identity_user_agent(),
    "user": apigw.AccessLogField.context_authorizer_claims("sub"),
    "method": apigw.AccessLogField.context_http_method(),
    "resourcePath": apigw.AccessLogField.context_resource_path(),
    "path": apigw.AccessLogField.context_path(),
    "status": apigw.AccessLogField.context_status(),
    "responseLength": apigw.AccessLogField.context_response_length(),
    "latencyMs": apigw.AccessLogField.context_response_latency(),
    "integrationLatencyMs": apigw.AccessLogField.context_integration_latency(),
    "error": apigw.AccessLogField.context_error_message(),
    "authorizerError": apigw.AccessLogField.context_authorizer_error(),
    "wafStatus": apigw.AccessLogField.context_waf_status(),
    "xrayTraceId": apigw.AccessLogField.context_xray_trace_id(),
}
# API Gateway's own errors (401 from the authorizer, 429, WAF 403, 5xx) in the API's error shape.
GATEWAY_ERROR_TEMPLATE = ('{"error": {"code": "$context.error.responseType", '
                          '"message": $context.error.messageString}}')


def _attribute(claim: str) -> str:
    """custom:municipality -> municipality (Cognito adds the custom: prefix itself)."""
    return claim.removeprefix("custom:")


class Api(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, names: Names, storage: Storage,
                 layer: lambda_.ILayerVersion, environment: Mapping[str, str],
                 web_origins: Sequence[str]) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self._user_pool(names)

        issuer = f"https://cognito-idp.{stack.region}.amazonaws.com/{self.user_pool.user_pool_id}"
        self.token_issuer = issuer  # `iss` of the pool's tokens (the web app checks it too)
        self.handler = EakteFunction(
            self, "Function",
            function_name=names.function(API.function), folder=API.function,
            memory_mb=API.memory_mb, timeout_s=API.timeout_s, key=storage.key, layer=layer,
            environment={
                **environment,
                EnvVar.JWT_ISSUER: issuer,
                EnvVar.JWKS_URL: f"{issuer}/.well-known/jwks.json",
                EnvVar.JWT_AUDIENCE: self.client.user_pool_client_id,  # `aud` of Cognito ID tokens
            },
        )
        fn = self.handler
        fn.read_write_table(storage.records, has_indexes=True)
        fn.read_write_table(storage.idempotency, has_indexes=False)
        # Presigned POST: the upload is authorised by this role, so it may put below incoming/ only.
        fn.put_objects(storage.intake, f"{INCOMING_PREFIX}*")
        # The audit trail: every event also as an Object Lock object below audit/ (ArchivedAuditTrail).
        fn.put_objects(storage.archive, f"{AUDIT_PREFIX}*")
        # Page images for the viewer, rendered on first view and cached (eakte.logic.page_images).
        fn.put_objects(storage.archive, "documents/*/pages/*")
        # Presigned GET of an original: in the archive, or in quarantine for a rejected file.
        fn.read_objects(storage.archive)
        fn.read_objects(storage.intake, f"{QUARANTINE_PREFIX}*")

        self._rest_api(names, storage, web_origins)
        self._firewall(names, storage)

    def _user_pool(self, names: Names) -> None:
        self.user_pool = cognito.UserPool(
            self, "Users",
            user_pool_name=f"{names.prefix}-users",
            self_sign_up_enabled=False,  # accounts are created by the office, per municipality/team
            sign_in_aliases=cognito.SignInAliases(email=True, username=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            password_policy=cognito.PasswordPolicy(min_length=12, require_lowercase=True, require_uppercase=True,
                                                   require_digits=True, require_symbols=True,
                                                   temp_password_validity=Duration.days(3)),
            # Personal data of migrants: a password alone is not enough. TOTP apps only (no SMS).
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            custom_attributes={
                _attribute(claim): cognito.StringAttribute(min_len=1, max_len=CUSTOM_ATTRIBUTE_MAX_LEN, mutable=True)
                for claim in (TENANT_CLAIM, TEAM_CLAIM)
            },
            # Plus plan: compromised-credential checks and adaptive authentication, enforced.
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for group in GROUPS:
            cognito.UserPoolGroup(self, f"Group{group.title()}", user_pool=self.user_pool, group_name=group,
                                  description=f"eAkte role {group}")
        tenant_attributes = [_attribute(TENANT_CLAIM), _attribute(TEAM_CLAIM)]
        self.client = self.user_pool.add_client(
            "Web",
            user_pool_client_name=f"{names.prefix}-web",
            generate_secret=False,  # a browser app cannot keep a secret
            auth_flows=cognito.AuthFlow(user_srp=True),
            # OAuth (hosted UI, code + PKCE) is switched on by the Web construct (web.py), which knows the
            # CloudFront URL that is the only callback; the client must not exist with a default callback.
            disable_o_auth=True,
            prevent_user_existence_errors=True,
            id_token_validity=Duration.seconds(SIGN_IN_TOKEN_TTL_S),  # then the app sends the user to sign in
            access_token_validity=Duration.seconds(SIGN_IN_TOKEN_TTL_S),
            refresh_token_validity=Duration.hours(12),
            read_attributes=cognito.ClientAttributes()
            .with_standard_attributes(email=True, email_verified=True, fullname=True)
            .with_custom_attributes(*tenant_attributes),
            # Users must not move themselves to another municipality or team: the tenant
            # attributes are writable by administrators only, never through this client.
            write_attributes=cognito.ClientAttributes().with_standard_attributes(fullname=True),
        )

    def _rest_api(self, names: Names, storage: Storage, web_origins: Sequence[str]) -> None:
        access_logs = logs.LogGroup(self, "AccessLogs", log_group_name=f"/eakte/{names.prefix}/api-access",
                                    retention=LOG_RETENTION, encryption_key=storage.key,
                                    removal_policy=RemovalPolicy.RETAIN)
        any_origin = "*" in web_origins
        origins = apigw.Cors.ALL_ORIGINS if any_origin else list(web_origins)
        self.rest = apigw.RestApi(
            self, "Rest",
            rest_api_name=f"{names.prefix}-api",
            description="eAkte Migration API",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            # API Gateway needs an account-level role to write logs; kept when the stack goes,
            # because other APIs of the account use the same setting.
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN,
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=origins, allow_methods=apigw.Cors.ALL_METHODS,
                allow_headers=apigw.Cors.DEFAULT_HEADERS, max_age=Duration.hours(1)),
            deploy_options=apigw.StageOptions(
                stage_name=names.stage,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS)),
                # Execution logs at ERROR only, never request/response bodies (personal data).
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                metrics_enabled=True,
                tracing_enabled=True,
                throttling_rate_limit=THROTTLE_RATE_RPS,
                throttling_burst_limit=THROTTLE_BURST,
            ),
        )
        # Without CORS headers the SPA could not read a 401/429 from the gateway itself.
        allow_origin = "'*'" if any_origin else f"'{web_origins[0]}'"
        for response_type, name in ((apigw.ResponseType.DEFAULT_4_XX, "Default4xx"),
                                    (apigw.ResponseType.DEFAULT_5_XX, "Default5xx")):
            self.rest.add_gateway_response(
                name, type=response_type,
                response_headers={"Access-Control-Allow-Origin": allow_origin},
                templates={"application/json": GATEWAY_ERROR_TEMPLATE},
            )

        authorizer = apigw.CognitoUserPoolsAuthorizer(
            self, "Authorizer", cognito_user_pools=[self.user_pool],
            authorizer_name=f"{names.prefix}-cognito", results_cache_ttl=Duration.minutes(5))
        validator = self.rest.add_request_validator(
            "Validator", request_validator_name=f"{names.prefix}-params",
            validate_request_parameters=True, validate_request_body=True)
        integration = apigw.LambdaIntegration(self.handler.function, proxy=True)

        api = self.rest.root.add_resource("api")
        openapi = api.add_resource(OPENAPI_PATH)
        public = openapi.add_method("GET", integration, authorization_type=apigw.AuthorizationType.NONE)
        NagSuppressions.add_resource_suppressions(public, [
            NagPackSuppression(id=rule, reason="GET /api/openapi.json is public by the API contract: the "
                               "OpenAPI document describes the API and returns no case data.")
            for rule in ("AwsSolutions-APIG4", "AwsSolutions-COG4")
        ])
        api.add_resource("{proxy+}").add_method(
            "ANY", integration,
            authorizer=authorizer, authorization_type=apigw.AuthorizationType.COGNITO,
            request_validator=validator,
            request_parameters={"method.request.path.proxy": True,
                                "method.request.header.Authorization": True},
        )

    def _firewall(self, names: Names, storage: Storage) -> None:
        def visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
            return wafv2.CfnWebACL.VisibilityConfigProperty(
                cloud_watch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True)

        def managed(name: str, priority: int) -> wafv2.CfnWebACL.RuleProperty:
            return wafv2.CfnWebACL.RuleProperty(
                name=name, priority=priority,
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name=name)),
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                visibility_config=visibility(name),
            )

        self.web_acl = wafv2.CfnWebACL(
            self, "WebAcl",
            name=f"{names.prefix}-api",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=visibility(f"{names.prefix}-api"),
            rules=[
                managed("AWSManagedRulesCommonRuleSet", 0),
                managed("AWSManagedRulesKnownBadInputsRuleSet", 1),
                wafv2.CfnWebACL.RuleProperty(
                    name="rate-limit-per-ip", priority=2,
                    action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                    statement=wafv2.CfnWebACL.StatementProperty(
                        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                            limit=WAF_RATE_LIMIT_PER_IP, aggregate_key_type="IP")),
                    visibility_config=visibility("rate-limit-per-ip"),
                ),
            ],
        )
        wafv2.CfnWebACLAssociation(self, "WebAclAssociation", resource_arn=self.rest.deployment_stage.stage_arn,
                                   web_acl_arn=self.web_acl.attr_arn)

        # What WAF blocked and why; WAF requires the aws-waf-logs- prefix and a plain log-group ARN.
        log_name = f"aws-waf-logs-{names.prefix}-api"
        waf_logs = logs.LogGroup(self, "WafLogs", log_group_name=log_name, retention=LOG_RETENTION,
                                 encryption_key=storage.key, removal_policy=RemovalPolicy.RETAIN)
        logging = wafv2.CfnLoggingConfiguration(
            self, "WafLogging",
            resource_arn=self.web_acl.attr_arn,
            log_destination_configs=[Stack.of(self).format_arn(
                service="logs", resource="log-group", resource_name=log_name,
                arn_format=ArnFormat.COLON_RESOURCE_NAME)],
            # bearer tokens stay out of the logs
            redacted_fields=[wafv2.CfnLoggingConfiguration.FieldToMatchProperty(
                single_header={"Name": "authorization"})],
        )
        logging.node.add_dependency(waf_logs)
