"""The local stand-in for Cognito's hosted UI: the OAuth 2.0 authorisation code flow with PKCE
(RFC 6749, RFC 7636) on the endpoints a Cognito domain offers (/oauth2/authorize, /oauth2/token,
/logout), below /local. The web app signs in through the same code as in AWS; only its
config.json differs.

The sign-in page lets anyone pick any role: it is a DEVELOPMENT page and exists only in the
local runtime. Everything else is as strict as Cognito or stricter: one registered public client
and redirect URI, PKCE with S256 required, codes single-use and short-lived, errors in the
OAuth shape (`{"error", "error_description"}`) that OAuth clients parse."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from eakte.local.issuer import DevIssuer
from eakte.settings import (
    DEFAULT_TEAM,
    GROUPS,
    OAUTH_SCOPES,
    READER_GROUPS,
    SIGN_IN_TOKEN_TTL_S,
    TEAMS,
    UPLOADER_GROUPS,
)

PREFIX = "/local"  # the local "Cognito domain"
AUTHORIZE_PATH = f"{PREFIX}/oauth2/authorize"
TOKEN_PATH = f"{PREFIX}/oauth2/token"
LOGOUT_PATH = f"{PREFIX}/logout"
PATHS = frozenset({AUTHORIZE_PATH, TOKEN_PATH, LOGOUT_PATH})
CODE_TTL_S = 300  # Cognito's authorisation codes are valid for five minutes
MAX_FORM_BYTES = 16 * 1024

_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url of a SHA-256 digest, unpadded
_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")  # RFC 7636, section 4.1
_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")  # user, municipality and team identifiers

# The sign-in page is German (the offices' first language), with the roles as the app names them.
ROLE_LABELS = {"caseworker": "Sachbearbeitung", "teamlead": "Teamleitung",
               "municipality": "Gemeinde (Einwohnerkontrolle)", "police": "Polizei",
               "scanner": "Scan-Dienstleister", "auditor": "Revision", "ops": "Betrieb"}
# What an empty field means, per role: the demo users of the local stack.
DEMO_USERS = {"caseworker": "sachbearbeiterin", "teamlead": "teamleitung", "municipality": "gemeinde-winterthur",
              "police": "kapo-bern", "scanner": "scan-dienst", "auditor": "revision", "ops": "betrieb"}
DEMO_TENANTS = {"municipality": "bfs-230", "police": "kapo-be", "scanner": "scan-ag"}
DEMO_TEAM = DEFAULT_TEAM


class OAuthError(Exception):
    """An OAuth error response: `error` is one of RFC 6749's codes."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


class UntrustedRedirect(Exception):
    """Unknown client or redirect URI: RFC 6749 4.1.2.1 forbids redirecting, the user sees the error."""


@dataclass(frozen=True)
class AuthorizationRequest:
    client_id: str
    redirect_uri: str
    scope: str
    code_challenge: str
    state: str | None
    nonce: str | None


@dataclass(frozen=True)
class Grant:
    request: AuthorizationRequest
    subject: str
    groups: tuple[str, ...]
    municipality: str | None
    team: str | None
    auth_time: int
    expires_at: float


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: Mapping[str, str] | None = None


def s256(verifier: str) -> str:
    """The PKCE S256 code challenge of a verifier (RFC 7636, section 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _single(params: Mapping[str, list[str]]) -> dict[str, str]:
    """RFC 6749 section 3.1: no parameter may be sent twice."""
    repeated = sorted(k for k, v in params.items() if len(v) > 1)
    if repeated:
        raise OAuthError("invalid_request", f"parameters sent more than once: {', '.join(repeated)}")
    return {k: v[0] for k, v in params.items()}


class HostedUi:
    def __init__(self, issuer: DevIssuer, client_id: str, redirect_uris: Iterable[str], *,
                 clock: Callable[[], float] = time.time, code_ttl_s: float = CODE_TTL_S,
                 token_ttl_s: int = SIGN_IN_TOKEN_TTL_S) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.redirect_uris = frozenset(redirect_uris)  # also the allowed sign-out URIs, as in the CDK app
        self._clock = clock
        self._code_ttl_s = code_ttl_s
        self._token_ttl_s = token_ttl_s
        self._codes: dict[str, Grant] = {}
        self._lock = threading.Lock()

    # --- HTTP -----------------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, body: bytes, content_type: str | None) -> Reply:
        parts = urlsplit(raw_path)
        try:
            if parts.path == AUTHORIZE_PATH and method in {"GET", "HEAD"}:
                return self._authorize_page(_single(parse_qs(parts.query)))
            if parts.path == AUTHORIZE_PATH and method == "POST":
                return self._authorize_submit(self._form(body, content_type))
            if parts.path == TOKEN_PATH and method == "POST":
                return _json(200, self.exchange(self._form(body, content_type)))
            if parts.path == LOGOUT_PATH and method in {"GET", "HEAD"}:
                return self._logout(_single(parse_qs(parts.query)))
            raise OAuthError("invalid_request", f"{method} is not supported on {parts.path}", 405)
        except UntrustedRedirect as e:
            return _page(400, _error_page(str(e)))
        except OAuthError as e:
            status = e.status
            headers = {"WWW-Authenticate": 'Basic realm="eakte-local"'} if status == 401 else None
            return _json(status, {"error": e.error, "error_description": e.description}, headers)

    @staticmethod
    def _form(body: bytes, content_type: str | None) -> dict[str, str]:
        if (content_type or "").split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
            raise OAuthError("invalid_request", "the body must be application/x-www-form-urlencoded")
        if len(body) > MAX_FORM_BYTES:
            raise OAuthError("invalid_request", "the form is too large")
        try:
            return _single(parse_qs(body.decode("utf-8"), strict_parsing=bool(body)))
        except (UnicodeDecodeError, ValueError) as e:
            raise OAuthError("invalid_request", f"the form cannot be read: {e}") from e

    # --- /oauth2/authorize ----------------------------------------------------------------
    def authorization_request(self, params: Mapping[str, str]) -> AuthorizationRequest:
        """Check an authorisation request. Raises UntrustedRedirect (show an error page) or
        OAuthError (redirect back with the error)."""
        if params.get("client_id") != self.client_id:
            raise UntrustedRedirect(f"Unbekannter client_id {params.get('client_id')!r}.")
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in self.redirect_uris:
            raise UntrustedRedirect(f"redirect_uri {redirect_uri!r} ist für diesen Client nicht registriert.")
        if params.get("response_type") != "code":
            raise OAuthError("unsupported_response_type", "only response_type=code is supported")
        if params.get("code_challenge_method") != "S256" or not _CHALLENGE.match(params.get("code_challenge", "")):
            raise OAuthError("invalid_request", "PKCE is required: code_challenge with code_challenge_method=S256")
        scopes = params.get("scope", " ".join(OAUTH_SCOPES)).split()
        unknown = sorted(set(scopes) - set(OAUTH_SCOPES))
        if unknown or "openid" not in scopes:
            raise OAuthError("invalid_scope", f"allowed scopes: {' '.join(OAUTH_SCOPES)} (openid required)")
        return AuthorizationRequest(client_id=self.client_id, redirect_uri=redirect_uri, scope=" ".join(scopes),
                                    code_challenge=params["code_challenge"], state=params.get("state"),
                                    nonce=params.get("nonce"))

    def _authorize_page(self, params: Mapping[str, str]) -> Reply:
        try:
            request = self.authorization_request(params)
        except OAuthError as e:
            return self._redirect_error(params, e)
        return _page(200, _sign_in_page(request, params))

    def _authorize_submit(self, form: Mapping[str, str]) -> Reply:
        try:
            request = self.authorization_request(form)
        except OAuthError as e:
            return self._redirect_error(form, e)
        if form.get("action") == "cancel":
            return _redirect(request.redirect_uri, {"error": "access_denied",
                                                    "error_description": "sign-in cancelled", "state": request.state})
        role = form.get("role", "")
        if role not in GROUPS:
            return _page(400, _sign_in_page(request, form, problem="Bitte eine Rolle wählen."))
        subject = form.get("subject", "").strip() or DEMO_USERS[role]
        municipality = (form.get("municipality", "").strip() or DEMO_TENANTS.get(role)) \
            if role in UPLOADER_GROUPS else None
        team = (form.get("team", "").strip() or DEMO_TEAM) if role in READER_GROUPS else None
        for label, value in (("Benutzerkennung", subject), ("Gemeinde / Einheit", municipality), ("Team", team)):
            if value is not None and not _NAME.match(value):
                return _page(400, _sign_in_page(request, form, problem=(
                    f"{label}: 1 bis 64 Zeichen aus Buchstaben, Ziffern und . _ @ -")))
        code = self.grant(request, subject, (role,), municipality, team)
        return _redirect(request.redirect_uri, {"code": code, "state": request.state})

    def grant(self, request: AuthorizationRequest, subject: str, groups: tuple[str, ...],
              municipality: str | None = None, team: str | None = None) -> str:
        """Issue a single-use authorisation code for a signed-in user."""
        now = self._clock()
        code = secrets.token_urlsafe(32)
        with self._lock:
            for old in [c for c, g in self._codes.items() if g.expires_at < now]:
                del self._codes[old]  # expired codes are worthless: keep the table small
            self._codes[code] = Grant(request=request, subject=subject, groups=groups, municipality=municipality,
                                      team=team, auth_time=int(now), expires_at=now + self._code_ttl_s)
        return code

    @staticmethod
    def _redirect_error(params: Mapping[str, str], error: OAuthError) -> Reply:
        return _redirect(params["redirect_uri"], {"error": error.error, "error_description": error.description,
                                                  "state": params.get("state")})

    # --- /oauth2/token --------------------------------------------------------------------
    def exchange(self, form: Mapping[str, str]) -> dict[str, object]:
        """The code grant: code + redirect_uri + client_id + PKCE verifier -> ID and access token."""
        if form.get("grant_type") != "authorization_code":
            raise OAuthError("unsupported_grant_type", "only grant_type=authorization_code is supported")
        if form.get("client_id") != self.client_id:
            raise OAuthError("invalid_client", "unknown client_id (a public client sends it in the body)", 401)
        for name in ("code", "redirect_uri", "code_verifier"):
            if not form.get(name):
                raise OAuthError("invalid_request", f"{name} is missing")
        with self._lock:
            # single use: the first presentation consumes the code, whether it succeeds or not
            grant = self._codes.pop(form["code"], None)
        if grant is None:
            raise OAuthError("invalid_grant", "unknown or already used authorization code")
        if self._clock() > grant.expires_at:
            raise OAuthError("invalid_grant", "the authorization code has expired")
        if grant.request.client_id != form["client_id"]:
            raise OAuthError("invalid_grant", "the code was issued to another client")
        if grant.request.redirect_uri != form["redirect_uri"]:
            raise OAuthError("invalid_grant", "redirect_uri differs from the authorization request")
        verifier = form["code_verifier"]
        if not _VERIFIER.match(verifier) or not hmac.compare_digest(s256(verifier), grant.request.code_challenge):
            raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
        return self._tokens(grant)

    def _tokens(self, grant: Grant) -> dict[str, object]:
        groups = list(grant.groups)
        common = {"auth_time": grant.auth_time, "cognito:username": grant.subject}
        id_claims: dict[str, object] = {**common, "aud": grant.request.client_id, "token_use": "id",
                                        "email": f"{grant.subject}@eakte.invalid"}
        if grant.request.nonce:
            id_claims["nonce"] = grant.request.nonce
        id_token = self.issuer.issue(grant.subject, groups, municipality=grant.municipality, team=grant.team,
                                     ttl_s=self._token_ttl_s, **id_claims)
        access_token = self.issuer.issue_access(grant.subject, groups, grant.request.client_id,
                                                grant.request.scope, self._token_ttl_s, auth_time=grant.auth_time)
        return {"id_token": id_token, "access_token": access_token, "token_type": "Bearer",
                "expires_in": self._token_ttl_s}

    # --- /logout --------------------------------------------------------------------------
    def _logout(self, params: Mapping[str, str]) -> Reply:
        """Cognito ends its own session and returns to a registered sign-out URL; locally there
        is no session to end."""
        if params.get("client_id") != self.client_id:
            raise UntrustedRedirect(f"Unbekannter client_id {params.get('client_id')!r}.")
        logout_uri = params.get("logout_uri", "")
        if logout_uri not in self.redirect_uris:
            raise UntrustedRedirect(f"logout_uri {logout_uri!r} ist für diesen Client nicht registriert.")
        return _redirect(logout_uri, {})


def _json(status: int, payload: object, headers: Mapping[str, str] | None = None) -> Reply:
    # RFC 6749 5.1: token responses must not be cached
    return Reply(status, json.dumps(payload).encode(), "application/json",
                 {"Cache-Control": "no-store", "Pragma": "no-cache", **(headers or {})})


def _redirect(uri: str, params: Mapping[str, str | None]) -> Reply:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    location = f"{uri}{'&' if '?' in uri else '?'}{query}" if query else uri
    return Reply(302, b"", "text/plain; charset=utf-8", {"Location": location, "Cache-Control": "no-store"})


def _page(status: int, text: str) -> Reply:
    return Reply(status, text.encode("utf-8"), "text/html; charset=utf-8",
                 {"Cache-Control": "no-store", "Content-Security-Policy":
                  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"})


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; background: #f5f6f8; color: #1b1f24; line-height: 1.45; }
main { max-width: 34rem; margin: 2rem auto; background: #fff; border: 1px solid #c9ced6; border-radius: 6px;
  padding: 1rem 1.5rem; }
.dev { background: #fff4cc; border: 2px dashed #8a6d00; padding: .6rem .8rem; }
.dev strong { background: #8a6d00; color: #fff; padding: 0 .35rem; border-radius: 3px; }
fieldset { border: 1px solid #c9ced6; border-radius: 4px; margin: 1rem 0; }
.choice { display: block; padding: .15rem 0; }
.field { display: block; margin: .75rem 0; font-weight: 600; }
.field input { display: block; font: inherit; padding: .35rem .5rem; border: 1px solid #6b7480; border-radius: 4px;
  width: 100%; box-sizing: border-box; font-weight: 400; }
.hint { display: block; color: #4a5360; font-size: .85rem; font-weight: 400; }
.error { color: #a1141b; font-weight: 600; }
button { font: inherit; padding: .4rem .9rem; border-radius: 4px; border: 1px solid #0b5cad; background: #0b5cad;
  color: #fff; font-weight: 600; cursor: pointer; margin-right: .5rem; }
button.secondary { background: #fff; color: #0b5cad; }
:focus-visible { outline: 3px solid #c25e00; outline-offset: 2px; }
"""

_OAUTH_FIELDS = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
                 "code_challenge", "code_challenge_method")


def _document(title: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="de-CH"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>\n")


def _sign_in_page(request: AuthorizationRequest, values: Mapping[str, str], problem: str | None = None) -> str:
    e = html.escape
    chosen = values.get("role") if values.get("role") in GROUPS else "caseworker"
    hidden = "".join(f'<input type="hidden" name="{name}" value="{e(values[name])}">'
                     for name in _OAUTH_FIELDS if values.get(name) is not None)
    roles = "".join(
        f'<label class="choice"><input type="radio" name="role" value="{g}"{" checked" if g == chosen else ""}> '
        f"{e(ROLE_LABELS[g])}</label>" for g in GROUPS)
    alert = f'<p class="error" role="alert">{e(problem)}</p>' if problem else ""

    def field(name: str, label: str, hint: str, choices: tuple[str, ...] = ()) -> str:
        # free text on purpose (an unknown team must be triable: the API refuses it), with the known values offered
        offered = (f'<datalist id="{name}-choices">' + "".join(f'<option value="{e(c)}">' for c in choices)
                   + "</datalist>") if choices else ""
        listed = f' list="{name}-choices"' if choices else ""
        return (f'<div class="field"><label for="{name}">{label}</label>'
                f'<input id="{name}" name="{name}" value="{e(values.get(name, ""))}" maxlength="64" '
                f'autocomplete="off" aria-describedby="{name}-hint"{listed}>{offered}'
                f'<span class="hint" id="{name}-hint">{hint}</span></div>')

    return _document("Entwicklungs-Anmeldung – eAkte Migration", f"""
<h1>Anmelden</h1>
<p class="dev" role="note"><strong>NUR ENTWICKLUNG</strong> Entwicklungs-Anmeldung (DEVELOPMENT ONLY) des lokalen
Ausstellers: jede Rolle ohne Passwort. In AWS meldet man sich über Cognito an (mit zweitem Faktor).</p>
{alert}
<form method="post" action="{AUTHORIZE_PATH}">
{hidden}
<fieldset><legend>Rolle</legend>{roles}</fieldset>
{field("subject", "Benutzerkennung", "Leer: der Demo-Benutzer der Rolle.")}
{field("municipality", "Gemeinde / Einheit (BFS-Nr. oder Kennung)",
       "Nur für Gemeinde, Polizei und Scan-Dienstleister. Leer: die Demo-Einheit der Rolle.")}
{field("team", "Team", f"Nur für Sachbearbeitung und Teamleitung. Leer: {DEMO_TEAM}.", TEAMS)}
<p><button type="submit" name="action" value="sign-in">Anmelden</button>
<button type="submit" name="action" value="cancel" class="secondary" formnovalidate>Abbrechen</button></p>
</form>
<p class="hint">Zurück zu <code>{e(request.redirect_uri)}</code> mit einem Code für einmaligen Gebrauch
({CODE_TTL_S // 60} Minuten gültig).</p>
""")


def _error_page(message: str) -> str:
    return _document("Anmeldung nicht möglich – eAkte Migration", f"""
<h1>Anmeldung nicht möglich</h1>
<p class="dev" role="note"><strong>NUR ENTWICKLUNG</strong> Lokaler Aussteller (DEVELOPMENT ONLY).</p>
<p class="error" role="alert">{html.escape(message)}</p>
""")
