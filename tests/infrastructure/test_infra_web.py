"""The web app's hosting: private bucket behind CloudFront (OAC), security headers, /api/* to the
API, access logs, Cognito hosted UI (code flow) and the deployed sign-in configuration."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.constructs import web

pytestmark = pytest.mark.infrastructure


def _distribution(synth) -> dict[str, Any]:
    (dist,) = synth.of_type("AWS::CloudFront::Distribution").values()
    return dist["Properties"]["DistributionConfig"]


def test_site_bucket_is_private_and_read_through_origin_access_control(textract):
    config = _distribution(textract)
    (oac,) = textract.of_type("AWS::CloudFront::OriginAccessControl").values()
    assert oac["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    s3_origin = next(o for o in config["Origins"] if "S3OriginConfig" in o)
    assert "OriginAccessControlId" in s3_origin
    site_id = next(lid for lid, r in textract.of_type("AWS::S3::Bucket").items()
                   if "-web-" in json.dumps(r["Properties"].get("BucketName")))
    site = textract.resources[site_id]["Properties"]
    assert site["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert site["LoggingConfiguration"]["DestinationBucketName"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["DefaultRootObject"] == "index.html"
    assert config["Logging"]["Bucket"]


def test_api_is_the_only_back_end_and_never_cached(textract):
    config = _distribution(textract)
    (api,) = config["CacheBehaviors"]
    assert api["PathPattern"] == "/api/*"
    assert api["ViewerProtocolPolicy"] == "https-only"
    assert "PATCH" in api["AllowedMethods"]
    assert api["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # managed CachingDisabled
    origin = next(o for o in config["Origins"] if o["Id"] == api["TargetOriginId"])
    assert "execute-api" in json.dumps(origin["DomainName"])
    assert origin["OriginPath"] == "/dev"
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert len(config["Origins"]) == 2


def test_every_response_carries_the_security_headers(textract):
    (policy,) = textract.of_type("AWS::CloudFront::ResponseHeadersPolicy").values()
    security = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = json.dumps(security["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ContentTypeOptions"]["Override"] is True
    config = _distribution(textract)
    ids = {config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"]["Ref"],
           config["CacheBehaviors"][0]["ResponseHeadersPolicyId"]["Ref"]}
    assert len(ids) == 1


def test_sign_in_is_the_hosted_ui_with_the_code_flow(textract):
    (client,) = textract.of_type("AWS::Cognito::UserPoolClient").values()
    p = client["Properties"]
    assert p["AllowedOAuthFlows"] == ["code"]  # no implicit flow: code + PKCE
    assert p["AllowedOAuthFlowsUserPoolClient"] is True
    assert "openid" in p["AllowedOAuthScopes"]
    assert "GenerateSecret" not in p or p["GenerateSecret"] is False
    callback = json.dumps(p["CallbackURLs"])
    assert "WebCdn" in callback and "DomainName" in callback
    assert textract.of_type("AWS::Cognito::UserPoolDomain")


def _render(value: Any) -> str:
    """A CloudFormation string expression as readable text: Ref -> ${Ref:Id}, GetAtt -> ${Id.Attr}."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(_render(part) for part in parts)
    if "Ref" in value:
        return f"${{Ref:{value['Ref']}}}"
    if "Fn::GetAtt" in value:
        return "${" + ".".join(value["Fn::GetAtt"]) + "}"
    raise AssertionError(f"unexpected expression {value}")


def _only(synth, resource_type: str) -> str:
    (logical_id,) = synth.of_type(resource_type)
    return logical_id


def _deployed_config(synth) -> dict[str, Any]:
    """config.json as the deployment writes it, with the deploy-time values rendered."""
    (deployment,) = synth.of_type("Custom::CDKBucketDeployment").values()
    p = deployment["Properties"]
    for key, markers in zip(p["SourceObjectKeys"], p["SourceMarkers"], strict=True):
        path = synth.asset_dir(key) / "config.json"
        if path.exists():
            text = path.read_text(encoding="utf-8")
            for marker, expression in markers.items():
                text = text.replace(marker, _render(expression))
            return json.loads(text)
    raise AssertionError("no config.json among the deployed sources")


def test_app_client_is_a_public_code_flow_client_returning_only_to_the_distribution(textract):
    from eakte.settings import OAUTH_SCOPES, SIGN_IN_TOKEN_TTL_S

    p = textract.resources[_only(textract, "AWS::Cognito::UserPoolClient")]["Properties"]
    assert p["AllowedOAuthFlows"] == ["code"] and p["AllowedOAuthFlowsUserPoolClient"] is True
    assert p["GenerateSecret"] is False  # a browser cannot keep a secret: PKCE protects the code instead
    assert p["AllowedOAuthScopes"] == list(OAUTH_SCOPES)
    assert p["SupportedIdentityProviders"] == ["COGNITO"]
    cdn = f"https://${{{_only(textract, 'AWS::CloudFront::Distribution')}.DomainName}}/"
    assert [_render(u) for u in p["CallbackURLs"]] == [cdn]
    assert [_render(u) for u in p["LogoutURLs"]] == [cdn]
    assert p["TokenValidityUnits"]["IdToken"] == "minutes" and p["IdTokenValidity"] * 60 == SIGN_IN_TOKEN_TTL_S


def test_deployed_config_json_points_the_app_at_the_hosted_ui(textract):
    from eakte.settings import OAUTH_SCOPES, EnvVar

    config = _deployed_config(textract)
    assert config["auth"] == "oauth" and "development" not in config  # the dev marking is local only
    assert config["clientId"] == f"${{Ref:{_only(textract, 'AWS::Cognito::UserPoolClient')}}}"
    domain = _only(textract, "AWS::Cognito::UserPoolDomain")
    assert config["cognitoDomain"].startswith(f"https://${{Ref:{domain}}}.auth.")
    assert config["redirectUri"] == f"https://${{{_only(textract, 'AWS::CloudFront::Distribution')}.DomainName}}/"
    client = textract.resources[_only(textract, "AWS::Cognito::UserPoolClient")]["Properties"]
    assert [config["redirectUri"]] == [_render(u) for u in client["CallbackURLs"]]
    assert config["scopes"] == list(OAUTH_SCOPES)
    # the issuer the app checks in the ID token is the one the API verifies
    (issuer,) = [r["Properties"]["Environment"]["Variables"][EnvVar.JWT_ISSUER]
                 for r in textract.of_type("AWS::Lambda::Function").values()
                 if EnvVar.JWT_ISSUER in r["Properties"].get("Environment", {}).get("Variables", {})]
    assert config["issuer"] == _render(issuer)
    assert config["issuer"].startswith("https://cognito-idp.")


def test_the_app_and_its_sign_in_configuration_are_deployed(textract):
    (deployment,) = textract.of_type("Custom::CDKBucketDeployment").values()
    p = deployment["Properties"]
    assert p["Prune"] is True
    assert len(p["SourceObjectKeys"]) == 2  # the build (or placeholder) and config.json
    markers = json.dumps(p.get("SourceMarkers", []))
    assert "userPoolClient" in markers.lower() or "Ref" in markers  # client id filled in at deploy time


def test_synth_without_a_build_deploys_a_placeholder(monkeypatch, tmp_path):
    from aws_cdk import App, Stack
    from aws_cdk import aws_lambda as lambda_

    from eakte.settings import Names
    from infra.app import project_context
    from infra.constructs.api import Api
    from infra.constructs.storage import Storage

    monkeypatch.setattr(web, "WEB_DIST", tmp_path / "missing")
    (tmp_path / "layer").mkdir()
    app = App(context=project_context(), outdir=str(tmp_path / "out"))  # cdk.json's feature flags
    stack = Stack(app, "t", env={"account": "123456789012", "region": "eu-central-1"})
    names = Names("t")
    storage = Storage(stack, "Storage", names=names, web_origins=("*",))
    layer = lambda_.LayerVersion(stack, "Layer", code=lambda_.Code.from_asset(str(tmp_path / "layer")))
    api = Api(stack, "Api", names=names, storage=storage, layer=layer, environment={}, web_origins=("*",))
    web.Web(stack, "Web", names=names, storage=storage, api=api)
    app.synth()
    pages = [p.read_text(encoding="utf-8") for p in (tmp_path / "out").glob("asset.*/index.html")]
    assert pages and all("make web" in page for page in pages)
