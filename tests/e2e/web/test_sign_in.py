"""Sign-in in the browser: the authorisation code flow with PKCE against the local issuer's
hosted UI (eakte/local/hosted_ui.py), the same code path the app runs against Cognito in AWS."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from eakte.local.client import LocalClient
from eakte.local.hosted_ui import DEMO_USERS, s256
from eakte.settings import GROUPS
from tests.e2e.web.conftest import VIEWPORT, sign_in

pytestmark = pytest.mark.e2e

UPLOAD = "Dokumente und Meldungen einreichen"
FIRST_SCREEN = {"caseworker": "Personensuche", "teamlead": "Personensuche", "municipality": UPLOAD,
                "police": UPLOAD, "scanner": UPLOAD, "auditor": "Protokoll: Wer hat was gesehen oder geändert"}
# an API route each role may use (200): the token from the code flow is one the API accepts
API_PROBE = {"caseworker": "/api/inbox", "teamlead": "/api/inbox", "municipality": "/api/submissions",
             "police": "/api/submissions", "scanner": "/api/submissions", "auditor": "/api/audit"}
FETCH = ("async (path) => { const s = JSON.parse(sessionStorage.getItem('eakte.session'));"
         " const r = await fetch(path, {headers: {Authorization: 'Bearer ' + s.token}}); return r.status; }")


@pytest.fixture
def issuer_page(browser: Any, stack: LocalClient) -> Iterator[Any]:
    """A page whose CSP lets axe-core be injected: the sign-in page allows no script at all."""
    context = browser.new_context(viewport=VIEWPORT, base_url=stack.base_url, locale="de-CH", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def recorded(page: Any) -> list[Any]:
    requests: list[Any] = []
    page.on("request", lambda request: requests.append(request))  # noqa: PLW0108 - Playwright cannot wrap a builtin
    return requests


def to_dev_sign_in(page: Any) -> None:
    page.goto("/")
    page.get_by_role("button", name="Weiter zur Entwicklungs-Anmeldung").click()
    page.wait_for_url("**/local/oauth2/authorize?**")


def callback_failure(page: Any) -> str:
    return page.get_by_text("Die Anmeldung ist fehlgeschlagen").inner_text()


@pytest.mark.parametrize("role", GROUPS)
def test_every_role_signs_in_through_the_code_flow(role: str, page: Any, screen: Any) -> None:
    requests = recorded(page)
    sign_in(page, role)
    authorize = next(r for r in requests if "/local/oauth2/authorize?" in r.url and r.method == "GET")
    asked = parse_qs(urlsplit(authorize.url).query)
    assert asked["response_type"] == ["code"] and asked["code_challenge_method"] == ["S256"]
    assert asked["state"][0] and asked["nonce"][0]
    # the code went to the token endpoint with the verifier whose S256 challenge the request carried
    (token,) = [r for r in requests if r.url.endswith("/local/oauth2/token")]
    sent = parse_qs(token.post_data)
    assert sent["grant_type"] == ["authorization_code"]
    assert s256(sent["code_verifier"][0]) == asked["code_challenge"][0]
    assert sent["redirect_uri"] == asked["redirect_uri"]
    # back in the app at a clean address, with the role's session; the verifier is spent
    assert "code=" not in page.url and "state=" not in page.url
    assert page.evaluate("JSON.parse(sessionStorage.getItem('eakte.session')).groups") == [role]
    assert page.evaluate("sessionStorage.getItem('eakte.pkce')") is None
    assert DEMO_USERS[role] in page.get_by_test_id("who").inner_text()
    if role == "ops":  # no screen of its own; the API knows the token but refuses the role
        page.get_by_text("Diese Ansicht ist für Ihre Rolle nicht verfügbar.").wait_for()
        assert page.evaluate(FETCH, "/api/inbox") == 403
    else:
        page.get_by_role("heading", name=FIRST_SCREEN[role]).wait_for()
        assert page.evaluate(FETCH, API_PROBE[role]) == 200
    screen(page, f"signed-in-{role}")


def test_the_development_sign_in_page_is_marked_and_accessible(issuer_page: Any, screen: Any) -> None:
    page = issuer_page
    page.goto("/")
    page.get_by_role("heading", name="Anmelden").wait_for()
    to_dev_sign_in(page)
    page.get_by_role("heading", name="Anmelden").wait_for()
    note = page.get_by_role("note").inner_text()
    assert "NUR ENTWICKLUNG" in note and "DEVELOPMENT ONLY" in note
    assert page.evaluate("document.documentElement.lang") == "de-CH"
    assert page.get_by_role("radio").count() == len(GROUPS)
    screen(page, "signin-dev-issuer")
    # a bad identifier is explained on the page, not sent back
    page.get_by_label("Benutzerkennung").fill("zwei wörter")
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("alert").wait_for()
    assert "/local/oauth2/authorize" in page.url
    screen(page, "signin-dev-issuer-error")


def test_cancel_comes_back_with_the_error(page: Any) -> None:
    to_dev_sign_in(page)
    page.get_by_role("button", name="Abbrechen").click()
    assert "sign-in cancelled" in callback_failure(page)
    assert "error=" not in page.url
    page.get_by_role("button", name="Weiter zur Entwicklungs-Anmeldung").wait_for()  # and can try again


def test_a_forged_state_is_refused_before_any_token_request(page: Any) -> None:
    requests = recorded(page)
    to_dev_sign_in(page)  # a sign-in was started in this tab ...
    page.goto("/?code=stolen&state=forged")  # ... but this callback is not its answer
    assert "state mismatch" in callback_failure(page)
    assert not [r for r in requests if r.url.endswith("/local/oauth2/token")]
    assert page.evaluate("sessionStorage.getItem('eakte.session')") is None


def test_a_used_code_is_refused_by_the_token_endpoint(page: Any) -> None:
    requests = recorded(page)
    sign_in(page, "caseworker")
    (callback,) = [r.url for r in requests if "?code=" in r.url]
    used_code = parse_qs(urlsplit(callback).query)["code"][0]
    page.get_by_role("button", name="Abmelden").click()
    page.get_by_role("button", name="Weiter zur Entwicklungs-Anmeldung").wait_for()
    to_dev_sign_in(page)  # a fresh sign-in: the app's state is new, the code is the old one
    state = page.evaluate("JSON.parse(sessionStorage.getItem('eakte.pkce')).state")
    page.goto(f"/?code={used_code}&state={state}")
    assert "already used" in callback_failure(page)
    assert page.evaluate("sessionStorage.getItem('eakte.session')") is None


def test_sign_out_goes_through_the_logout_endpoint(page: Any) -> None:
    requests = recorded(page)
    sign_in(page, "municipality")
    page.get_by_role("button", name="Abmelden").click()
    page.get_by_role("button", name="Weiter zur Entwicklungs-Anmeldung").wait_for()
    assert any("/local/logout?" in r.url for r in requests)
    assert page.evaluate("sessionStorage.getItem('eakte.session')") is None


def test_an_expired_session_asks_to_sign_in_again(page: Any) -> None:
    sign_in(page, "auditor")
    page.get_by_role("heading", name=re.compile("^Protokoll")).wait_for()
    # the token "expires" in a moment: the app drops it and asks for a new sign-in
    page.evaluate("() => { const s = JSON.parse(sessionStorage.getItem('eakte.session'));"
                  " s.expiresAt = Date.now() + 1500; sessionStorage.setItem('eakte.session', JSON.stringify(s)); }")
    page.reload()
    page.get_by_text("Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.").wait_for(timeout=10_000)
    assert page.evaluate("sessionStorage.getItem('eakte.session')") is None
    assert page.get_by_test_id("who").count() == 0
