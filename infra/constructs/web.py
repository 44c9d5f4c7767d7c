"""The web app in AWS: a private S3 bucket behind CloudFront (origin access control), security
headers on every response, `/api/*` forwarded to the API (the only back end), access logs, and
sign-in through Cognito's hosted UI (authorisation code + PKCE).

The app's build (`web/dist`, from `make web`) is deployed when it exists; synth never needs it
(nor Docker): without a build, a placeholder page is deployed that says so. The sign-in settings
(`/config.json`: Cognito domain, app client, redirect URI) are written at deploy time from the
stack's own values, so one build serves every stage.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Annotations, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from cdk_nag import NagPackSuppression, NagSuppressions, RegexAppliesTo
from constructs import Construct

from eakte.settings import OAUTH_SCOPES, Names
from infra import ROOT
from infra.constructs.api import Api
from infra.constructs.function import LOG_RETENTION
from infra.constructs.storage import Storage

WEB_DIST = ROOT / "web" / "dist"
LOG_RETENTION_DAYS = 365
HSTS_MAX_AGE = Duration.days(365 * 2)

PLACEHOLDER = """<!doctype html><html lang="de"><meta charset="utf-8"><title>eAkte Migration</title>
<p>Die Web-Anwendung wurde vor dem Deployment nicht gebaut (<code>make web</code>).</p>
<p lang="fr">L'application web n'a pas été construite avant le déploiement (<code>make web</code>).</p></html>
"""


def content_security_policy(intake: s3.IBucket, archive: s3.IBucket, cognito_domain: str) -> str:
    """Scripts, styles and API calls from this origin only; uploads go to the intake bucket
    (presigned POST), originals come from the archive bucket (presigned GET, shown as image or
    PDF); nothing may frame the app."""
    archive_hosts = f"https://{archive.bucket_regional_domain_name} https://{archive.bucket_domain_name}"
    intake_hosts = f"https://{intake.bucket_regional_domain_name} https://{intake.bucket_domain_name}"
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src 'self' data: {archive_hosts} {intake_hosts}",
        f"object-src {archive_hosts} {intake_hosts}",
        f"connect-src 'self' {intake_hosts} {cognito_domain}",
        f"form-action 'self' {cognito_domain}",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "upgrade-insecure-requests",
    ])


class Web(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, names: Names, storage: Storage, api: Api,
                 dist: Path | None = None) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)

        self.bucket = s3.Bucket(
            self, "Site",
            bucket_name=names.bucket("web", stack.account, stack.region),
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=storage.access_logs,
            server_access_logs_prefix="web-site/",
            lifecycle_rules=[s3.LifecycleRule(id="expire-old-builds",
                                              noncurrent_version_expiration=Duration.days(30))],
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=False,
        )
        NagSuppressions.add_resource_suppressions(self.bucket, [NagPackSuppression(
            id="NIST.800.53.R5-S3DefaultEncryptionKMS",
            reason="The bucket holds only the public build of the web app (HTML, JS, CSS; no case data); "
                   "SSE-S3 lets CloudFront's origin access control read it without a KMS key grant.",
        )])

        # CloudFront standard logs need a bucket with ACLs (the log delivery writes with an ACL).
        self.logs = s3.Bucket(
            self, "CdnLogs",
            bucket_name=names.bucket("cdn-logs", stack.account, stack.region),
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=storage.access_logs,
            server_access_logs_prefix="cdn-logs/",
            lifecycle_rules=[s3.LifecycleRule(id="expire-cdn-logs", expiration=Duration.days(LOG_RETENTION_DAYS),
                                              noncurrent_version_expiration=Duration.days(1))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        NagSuppressions.add_resource_suppressions(self.logs, [NagPackSuppression(
            id="NIST.800.53.R5-S3DefaultEncryptionKMS",
            reason="CloudFront standard log delivery does not support SSE-KMS target buckets.",
        )])

        self.domain = self._hosted_ui(names, api, stack)
        cognito_domain = self.domain.base_url()

        headers = cloudfront.ResponseHeadersPolicy(
            self, "SecurityHeaders",
            response_headers_policy_name=f"{names.prefix}-web-security",
            comment="eAkte web app: CSP, HSTS, no framing, no sniffing, no referrer",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(storage.intake, storage.archive,
                                                                    cognito_domain),
                    override=True),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=HSTS_MAX_AGE, include_subdomains=True, preload=True, override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True),
                xss_protection=cloudfront.ResponseHeadersXSSProtection(protection=False, override=True),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(custom_headers=[
                cloudfront.ResponseCustomHeader(header="Permissions-Policy", override=True,
                                                value="camera=(), microphone=(), geolocation=(), payment=()"),
                cloudfront.ResponseCustomHeader(header="Cross-Origin-Opener-Policy", value="same-origin",
                                                override=True),
            ]),
        )

        # The API through the same origin: /api/* goes to the API Gateway stage, never cached.
        # (The origin is built from the REST API id and the stage name, not from the Stage
        # resource: the app client's callback URL names this distribution, and the API's
        # function names the app client, so a reference to the deployed stage would be a cycle.)
        api_origin = origins.HttpOrigin(
            f"{api.rest.rest_api_id}.execute-api.{stack.region}.{stack.url_suffix}",
            origin_path=f"/{names.stage}",
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
        )
        self.distribution = cloudfront.Distribution(
            self, "Cdn",
            comment=f"{names.prefix} web app",
            default_root_object="index.html",
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,  # Europe and North America edges
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            enable_logging=True, log_bucket=self.logs, log_file_prefix="cloudfront/",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                compress=True,
            ),
            additional_behaviors={
                "/api/*": cloudfront.BehaviorOptions(
                    origin=api_origin,
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                    cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                    # all viewer headers (Authorization included) except Host, as API Gateway expects
                    origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                    response_headers_policy=headers,
                ),
            },
        )
        self.url = f"https://{self.distribution.distribution_domain_name}"
        self._allow_callback(api, self.url)
        self._suppress_distribution()

        # web/src/auth.js reads this: the same code flow as locally, against Cognito's domain; the ID
        # tokens' issuer is the user pool, not the hosted UI's domain.
        config = {"auth": "oauth", "apiBaseUrl": "", "cognitoDomain": cognito_domain,
                  "issuer": api.token_issuer,
                  "clientId": api.client.user_pool_client_id, "redirectUri": f"{self.url}/",
                  "scopes": list(OAUTH_SCOPES)}
        dist = dist or WEB_DIST
        if (dist / "index.html").exists():
            app_source = s3deploy.Source.asset(str(dist), exclude=["config.json"])
        else:
            Annotations.of(self).add_info("web/dist is not built (make web): a placeholder page is deployed")
            app_source = s3deploy.Source.data("index.html", PLACEHOLDER)
        self.deployment = s3deploy.BucketDeployment(
            self, "Deploy",
            destination_bucket=self.bucket,
            sources=[app_source, s3deploy.Source.json_data("config.json", config)],
            distribution=self.distribution,
            distribution_paths=["/index.html", "/config.json"],
            prune=True,
            memory_limit=256,
            log_group=logs.LogGroup(self, "DeployLogs", retention=LOG_RETENTION, encryption_key=storage.key,
                                    removal_policy=RemovalPolicy.DESTROY),
        )
        self._suppress_deployment(stack)

    def _hosted_ui(self, names: Names, api: Api, stack: Stack) -> cognito.UserPoolDomain:
        """Cognito's managed login page (with the pool's MFA) for the app's client."""
        return api.user_pool.add_domain(
            "HostedUi",
            cognito_domain=cognito.CognitoDomainOptions(domain_prefix=f"{names.prefix}-{stack.account}"),
            managed_login_version=cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
        )

    @staticmethod
    def _allow_callback(api: Api, url: str) -> None:
        """Turn on the authorisation code grant for the app client (public: no secret; Cognito has no
        switch to require PKCE, the SPA always sends an S256 challenge), with this distribution as the
        only callback and sign-out URL."""
        client = api.client.node.default_child
        assert isinstance(client, cognito.CfnUserPoolClient)
        client.allowed_o_auth_flows_user_pool_client = True
        client.allowed_o_auth_flows = ["code"]
        client.allowed_o_auth_scopes = list(OAUTH_SCOPES)
        client.callback_ur_ls = [f"{url}/"]
        client.logout_ur_ls = [f"{url}/"]
        client.supported_identity_providers = ["COGNITO"]

    def _suppress_distribution(self) -> None:
        NagSuppressions.add_resource_suppressions(self.distribution, [
            NagPackSuppression(
                id="AwsSolutions-CFR1",
                reason="No geo restriction: staff work from home and while travelling; every request needs a "
                       "Cognito sign-in with MFA, and the API behind /api/* has its own WAF.",
            ),
            NagPackSuppression(
                id="AwsSolutions-CFR2",
                reason="A CloudFront web ACL must live in us-east-1 (a second stack); the API that /api/* "
                       "reaches is protected by its regional WAF (managed rules + per-IP rate limit), and the "
                       "static app needs no rule set.",
            ),
            NagPackSuppression(
                id="AwsSolutions-CFR4",
                reason="With CloudFront's default certificate (*.cloudfront.net) the viewer TLS policy cannot "
                       "be pinned; TLS 1.2 (TLSv1.2_2021) applies as soon as an office's own domain and ACM "
                       "certificate are attached.",
            ),
        ])

    def _suppress_deployment(self, stack: Stack) -> None:
        """The BucketDeployment custom resource (a CDK-provided Lambda that copies the build)."""
        for child in stack.node.children:
            if child.node.id.startswith("Custom::CDKBucketDeployment"):
                NagSuppressions.add_resource_suppressions(child, [
                    NagPackSuppression(
                        id="AwsSolutions-IAM4",
                        reason="CDK's bucket-deployment custom resource logs with AWSLambdaBasicExecutionRole; "
                               "it runs only during deployments.",
                        applies_to=["Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                                    "AWSLambdaBasicExecutionRole"]),
                    NagPackSuppression(
                        id="AwsSolutions-IAM5",
                        reason="CDK's bucket-deployment custom resource copies the app build: it reads the CDK "
                               "asset bucket and writes the web bucket (object wildcards of those two buckets) "
                               "and invalidates this distribution's cache.",
                        applies_to=["Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*",
                                    "Action::s3:Abort*", "Action::s3:DeleteObject*",
                                    RegexAppliesTo(regex=r"/^Resource::arn:(aws|<AWS::Partition>):s3:::"
                                                         r"cdk-[a-z0-9]+-assets-[^/]+\/\*$/"),
                                    RegexAppliesTo(regex=r"/^Resource::<WebSite[0-9A-F]+\.Arn>\/\*$/"),
                                    "Resource::*"]),
                    NagPackSuppression(
                        id="AwsSolutions-L1",
                        reason="The runtime of CDK's bucket-deployment handler is chosen by aws-cdk-lib and "
                               "updated with it.",
                    ),
                ], apply_to_children=True)
