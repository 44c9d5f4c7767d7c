"""The local sign-in over HTTP: the stack's own request handler on loopback (no moto needed),
the code + PKCE flow as a browser and the web app drive it, and the API's token verifier
accepting the result exactly as it accepts Cognito's tokens."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from eakte.auth import TokenVerifier
from eakte.errors import AuthError
from eakte.local.client import LocalClient
from eakte.local.hosted_ui import AUTHORIZE_PATH, LOGOUT_PATH, TOKEN_PATH, HostedUi, s256
from eakte.local.issuer import DevIssuer
from eakte.local.stack import LocalStack, _make_handler
from eakte.settings import LOCAL_AUDIENCE, LOCAL_HOST

pytestmark = pytest.mark.integration

VERIFIER = "M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag"


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """The local stack's HTTP front door with only its issuer and hosted UI set up."""
    stack = LocalStack(port=0)
    httpd = ThreadingHTTPServer((LOCAL_HOST, 0), _make_handler(stack))
    stack.port = httpd.server_port
    stack.issuer = DevIssuer(f"{stack.base_url}/local", LOCAL_AUDIENCE)
    stack.sign_in = HostedUi(stack.issuer, LOCAL_AUDIENCE, [f"{stack.base_url}/"])
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield stack.base_url
    httpd.shutdown()
    httpd.server_close()


def authorize(base: str, **overrides: str) -> dict[str, str]:
    return {"response_type": "code", "client_id": LOCAL_AUDIENCE, "redirect_uri": f"{base}/",
            "scope": "openid email profile", "state": "state-1", "nonce": "nonce-1",
            "code_challenge": s256(VERIFIER), "code_challenge_method": "S256", **overrides}


def sign_in(base: str, role: str, **fields: str) -> str:
    """The browser's part: open the page, submit it, follow the redirect back with a code."""
    page = requests.get(f"{base}{AUTHORIZE_PATH}", params=authorize(base), timeout=10)
    assert page.status_code == 200 and "DEVELOPMENT ONLY" in page.text
    reply = requests.post(f"{base}{AUTHORIZE_PATH}", data={**authorize(base), "role": role, **fields},
                          allow_redirects=False, timeout=10)
    assert reply.status_code == 302, reply.text
    location = urlsplit(reply.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{base}/"
    query = parse_qs(location.query)
    assert query["state"] == ["state-1"]
    return query["code"][0]


def exchange(base: str, code: str, **overrides: str) -> requests.Response:
    return requests.post(f"{base}{TOKEN_PATH}", timeout=10, data={
        "grant_type": "authorization_code", "client_id": LOCAL_AUDIENCE, "code": code,
        "redirect_uri": f"{base}/", "code_verifier": VERIFIER, **overrides})


def test_the_code_flow_yields_tokens_the_api_accepts(base: str) -> None:
    reply = exchange(base, sign_in(base, "municipality", subject="gemeinde-uster", municipality="bfs-198"))
    assert reply.status_code == 200, reply.text
    assert reply.headers["Cache-Control"] == "no-store"
    tokens = reply.json()
    verifier = TokenVerifier(f"{base}/local", LOCAL_AUDIENCE, f"{base}/local/jwks.json")
    for token in (tokens["id_token"], tokens["access_token"]):  # the API takes either, as with Cognito
        principal = verifier.verify(f"Bearer {token}")
        assert principal.subject == "gemeinde-uster" and principal.groups == frozenset({"municipality"})
    assert verifier.verify(f"Bearer {tokens['id_token']}").tenant == "bfs-198"


def test_errors_come_back_as_oauth_json(base: str) -> None:
    code = sign_in(base, "caseworker")
    wrong = exchange(base, code, code_verifier="A" * 43)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    again = exchange(base, code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    redirect = exchange(base, sign_in(base, "caseworker"), redirect_uri=f"{base}/elsewhere")
    assert redirect.status_code == 400 and redirect.json()["error"] == "invalid_grant"
    client = exchange(base, sign_in(base, "caseworker"), client_id="someone-else")
    assert client.status_code == 401 and client.json()["error"] == "invalid_client"


def test_a_token_for_another_audience_is_refused_by_the_api(base: str) -> None:
    tokens = exchange(base, sign_in(base, "auditor")).json()
    with pytest.raises(AuthError):
        TokenVerifier(f"{base}/local", "another-client", f"{base}/local/jwks.json").verify(
            f"Bearer {tokens['id_token']}")


def test_untrusted_redirects_and_logout(base: str) -> None:
    page = requests.get(f"{base}{AUTHORIZE_PATH}", params=authorize(base, redirect_uri="https://evil.example/"),
                        allow_redirects=False, timeout=10)
    assert page.status_code == 400 and "Location" not in page.headers
    out = requests.get(f"{base}{LOGOUT_PATH}", params={"client_id": LOCAL_AUDIENCE, "logout_uri": f"{base}/"},
                       allow_redirects=False, timeout=10)
    assert out.status_code == 302 and out.headers["Location"] == f"{base}/"


def test_the_token_shortcut_for_tests_and_the_cli_stays(base: str) -> None:
    token = LocalClient(base).token("cli", ["caseworker"], team="team-a")
    verifier = TokenVerifier(f"{base}/local", LOCAL_AUDIENCE, f"{base}/local/jwks.json")
    assert verifier.verify(f"Bearer {token}").team == "team-a"
