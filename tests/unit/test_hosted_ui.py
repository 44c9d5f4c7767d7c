"""The local hosted UI: authorisation code + PKCE as Cognito offers it (RFC 6749, RFC 7636)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest

from eakte.local.hosted_ui import AUTHORIZE_PATH, LOGOUT_PATH, TOKEN_PATH, HostedUi, Reply, s256
from eakte.local.issuer import DevIssuer
from eakte.settings import GROUPS_CLAIM, TEAM_CLAIM, TEAMS, TENANT_CLAIM

CLIENT = "eakte-local"
REDIRECT = "http://127.0.0.1:8080/"
ISSUER = "http://127.0.0.1:8080/local"
# RFC 7636, appendix B
RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
FORM = "application/x-www-form-urlencoded"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def issuer() -> DevIssuer:
    return DevIssuer(ISSUER, CLIENT)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ui(issuer: DevIssuer, clock: Clock) -> HostedUi:
    return HostedUi(issuer, CLIENT, [REDIRECT], clock=clock)


def authorize_params(**overrides: str | None) -> dict[str, str]:
    params: dict[str, str | None] = {
        "response_type": "code", "client_id": CLIENT, "redirect_uri": REDIRECT, "scope": "openid email profile",
        "state": "st-1", "nonce": "n-1", "code_challenge": RFC_CHALLENGE, "code_challenge_method": "S256"}
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def get(ui: HostedUi, path: str, params: dict[str, str]) -> Reply:
    return ui.handle("GET", f"{path}?{urlencode(params)}", b"", None)


def post(ui: HostedUi, path: str, form: dict[str, str], content_type: str = FORM) -> Reply:
    return ui.handle("POST", path, urlencode(form).encode(), content_type)


def redirected(reply: Reply) -> tuple[str, dict[str, str]]:
    assert reply.status == 302, reply.body
    location = (reply.headers or {})["Location"]
    parts = urlsplit(location)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", {k: v[0] for k, v in parse_qs(parts.query).items()}


def sign_in(ui: HostedUi, role: str = "caseworker", **fields: str) -> str:
    """Submit the development sign-in page; returns the code from the redirect."""
    target, params = redirected(post(ui, AUTHORIZE_PATH, {**authorize_params(), "role": role, **fields}))
    assert target == REDIRECT
    assert params["state"] == "st-1"
    return params["code"]


def token_form(code: str, **overrides: str) -> dict[str, str]:
    return {"grant_type": "authorization_code", "client_id": CLIENT, "code": code, "redirect_uri": REDIRECT,
            "code_verifier": RFC_VERIFIER, **overrides}


def oauth_error(reply: Reply) -> str:
    body = json.loads(reply.body)
    assert set(body) == {"error", "error_description"}
    assert (reply.headers or {}).get("Cache-Control") == "no-store"
    return body["error"]


def claims(issuer: DevIssuer, token: str, **options: Any) -> dict[str, Any]:
    key = jwt.PyJWK(issuer.jwks()["keys"][0]).key
    return jwt.decode(token, key, algorithms=["RS256"], issuer=ISSUER, **options)


def test_s256_matches_rfc_7636_appendix_b() -> None:
    assert s256(RFC_VERIFIER) == RFC_CHALLENGE


def test_authorize_renders_the_marked_development_page(ui: HostedUi) -> None:
    reply = get(ui, AUTHORIZE_PATH, authorize_params())
    assert reply.status == 200 and reply.content_type.startswith("text/html")
    page = reply.body.decode()
    assert "DEVELOPMENT ONLY" in page and "NUR ENTWICKLUNG" in page
    assert 'lang="de-CH"' in page and "<h1>Anmelden</h1>" in page
    for role in ("caseworker", "teamlead", "municipality", "police", "scanner", "auditor", "ops"):
        assert f'value="{role}"' in page
    assert f'name="code_challenge" value="{RFC_CHALLENGE}"' in page  # carried through the form
    assert 'list="team-choices"' in page and all(f'<option value="{t}">' in page for t in TEAMS)
    assert "frame-ancestors 'none'" in (reply.headers or {})["Content-Security-Policy"]


def test_the_page_escapes_what_the_request_carries(ui: HostedUi) -> None:
    page = get(ui, AUTHORIZE_PATH, authorize_params(state='"><script>alert(1)</script>')).body.decode()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_unknown_client_or_redirect_uri_is_never_redirected_to(ui: HostedUi) -> None:
    for params in (authorize_params(client_id="other"), authorize_params(redirect_uri="https://evil.example/"),
                   authorize_params(redirect_uri=None)):
        reply = get(ui, AUTHORIZE_PATH, params)
        assert reply.status == 400 and "Location" not in (reply.headers or {})
        assert "Anmeldung nicht möglich" in reply.body.decode()


@pytest.mark.parametrize(("overrides", "error"), [
    ({"response_type": "token"}, "unsupported_response_type"),
    ({"code_challenge": None}, "invalid_request"),
    ({"code_challenge_method": "plain"}, "invalid_request"),
    ({"code_challenge": "too-short"}, "invalid_request"),
    ({"scope": "openid aws.cognito.signin.user.admin"}, "invalid_scope"),
    ({"scope": "email"}, "invalid_scope"),
])
def test_bad_authorization_requests_go_back_with_the_oauth_error(ui: HostedUi, overrides: dict[str, Any],
                                                                error: str) -> None:
    target, params = redirected(get(ui, AUTHORIZE_PATH, authorize_params(**overrides)))
    assert target == REDIRECT
    assert params["error"] == error and params["state"] == "st-1"
    assert "code" not in params


def test_code_exchange_returns_cognito_shaped_tokens(ui: HostedUi, issuer: DevIssuer) -> None:
    code = sign_in(ui, "caseworker", subject="anna", team="team-b")
    reply = post(ui, TOKEN_PATH, token_form(code))
    assert reply.status == 200, reply.body
    assert (reply.headers or {})["Cache-Control"] == "no-store"
    tokens = json.loads(reply.body)
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    id_claims = claims(issuer, tokens["id_token"], audience=CLIENT, options={"verify_exp": False})
    assert id_claims["token_use"] == "id" and id_claims["sub"] == "anna"
    assert id_claims[GROUPS_CLAIM] == ["caseworker"] and id_claims[TEAM_CLAIM] == "team-b"
    assert TENANT_CLAIM not in id_claims
    assert id_claims["nonce"] == "n-1" and id_claims["cognito:username"] == "anna"
    access = claims(issuer, tokens["access_token"], options={"verify_aud": False, "verify_exp": False})
    assert access["token_use"] == "access" and access["client_id"] == CLIENT and "aud" not in access
    assert access["scope"] == "openid email profile"


def test_uploader_roles_carry_their_municipality_and_empty_fields_take_the_demo_values(
        ui: HostedUi, issuer: DevIssuer) -> None:
    tokens = json.loads(post(ui, TOKEN_PATH, token_form(sign_in(ui, "municipality", municipality="bfs-198"))).body)
    c = claims(issuer, tokens["id_token"], audience=CLIENT, options={"verify_exp": False})
    assert c[GROUPS_CLAIM] == ["municipality"] and c[TENANT_CLAIM] == "bfs-198" and TEAM_CLAIM not in c
    tokens = json.loads(post(ui, TOKEN_PATH, token_form(sign_in(ui, "police", team="ignored"))).body)
    c = claims(issuer, tokens["id_token"], audience=CLIENT, options={"verify_exp": False})
    assert c["sub"] == "kapo-bern" and c[TENANT_CLAIM] == "kapo-be" and TEAM_CLAIM not in c


def test_the_page_refuses_a_missing_role_or_a_bad_identifier(ui: HostedUi) -> None:
    reply = post(ui, AUTHORIZE_PATH, {**authorize_params(), "role": "admin"})
    assert reply.status == 400 and 'role="alert"' in reply.body.decode()
    reply = post(ui, AUTHORIZE_PATH, {**authorize_params(), "role": "caseworker", "subject": "a b<c>"})
    assert reply.status == 400 and "Benutzerkennung" in reply.body.decode()


def test_cancel_goes_back_with_access_denied(ui: HostedUi) -> None:
    _, params = redirected(post(ui, AUTHORIZE_PATH, {**authorize_params(), "role": "caseworker",
                                                     "action": "cancel"}))
    assert params == {"error": "access_denied", "error_description": "sign-in cancelled", "state": "st-1"}


def test_a_wrong_verifier_is_invalid_grant_and_burns_the_code(ui: HostedUi) -> None:
    code = sign_in(ui)
    assert oauth_error(post(ui, TOKEN_PATH, token_form(code, code_verifier="x" * 43))) == "invalid_grant"
    # the code is gone, even with the right verifier now (no guessing the verifier)
    assert oauth_error(post(ui, TOKEN_PATH, token_form(code))) == "invalid_grant"


def test_a_code_is_single_use(ui: HostedUi) -> None:
    code = sign_in(ui)
    assert post(ui, TOKEN_PATH, token_form(code)).status == 200
    reply = post(ui, TOKEN_PATH, token_form(code))
    assert reply.status == 400 and oauth_error(reply) == "invalid_grant"


def test_a_wrong_redirect_uri_is_invalid_grant(ui: HostedUi) -> None:
    reply = post(ui, TOKEN_PATH, token_form(sign_in(ui), redirect_uri="http://127.0.0.1:8080/other"))
    assert reply.status == 400 and oauth_error(reply) == "invalid_grant"


def test_an_expired_code_is_invalid_grant(ui: HostedUi, clock: Clock) -> None:
    code = sign_in(ui)
    clock.now += 301
    reply = post(ui, TOKEN_PATH, token_form(code))
    assert oauth_error(reply) == "invalid_grant"
    assert "expired" in json.loads(reply.body)["error_description"]


def test_a_code_just_within_its_lifetime_is_accepted(ui: HostedUi, clock: Clock) -> None:
    code = sign_in(ui)
    clock.now += 299
    assert post(ui, TOKEN_PATH, token_form(code)).status == 200


@pytest.mark.parametrize(("form", "status", "error"), [
    ({"grant_type": "refresh_token"}, 400, "unsupported_grant_type"),
    ({"client_id": "other"}, 401, "invalid_client"),
    ({"code_verifier": ""}, 400, "invalid_request"),
    ({"redirect_uri": ""}, 400, "invalid_request"),
    ({"code": "never-issued"}, 400, "invalid_grant"),
])
def test_token_request_errors(ui: HostedUi, form: dict[str, str], status: int, error: str) -> None:
    reply = post(ui, TOKEN_PATH, {**token_form("unknown"), **form})
    assert (reply.status, oauth_error(reply)) == (status, error)


def test_token_endpoint_wants_a_form_without_repeated_parameters(ui: HostedUi) -> None:
    code = sign_in(ui)
    reply = ui.handle("POST", TOKEN_PATH, json.dumps(token_form(code)).encode(), "application/json")
    assert oauth_error(reply) == "invalid_request"
    body = urlencode(token_form(code)) + "&code=second"
    assert oauth_error(ui.handle("POST", TOKEN_PATH, body.encode(), FORM)) == "invalid_request"
    assert ui.handle("GET", TOKEN_PATH, b"", None).status == 405


def test_logout_returns_only_to_a_registered_uri(ui: HostedUi) -> None:
    target, params = redirected(get(ui, LOGOUT_PATH, {"client_id": CLIENT, "logout_uri": REDIRECT}))
    assert target == REDIRECT and params == {}
    assert get(ui, LOGOUT_PATH, {"client_id": CLIENT, "logout_uri": "https://evil.example/"}).status == 400
    assert get(ui, LOGOUT_PATH, {"client_id": "other", "logout_uri": REDIRECT}).status == 400
