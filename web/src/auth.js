// Sign-in: the OAuth 2.0 authorisation code flow with PKCE (RFC 6749, RFC 7636, OpenID Connect
// nonce), the same code against Cognito's hosted UI in AWS and against the local issuer's copy of
// it (eakte/local/hosted_ui.py); only /config.json differs (infra/constructs/web.py writes the AWS
// one at deploy time, web/public/config.json is the local one). The protocol work (verifier,
// challenge, state, nonce, token response and ID token claim checks) is done by oauth4webapi,
// a small dependency-free, OpenID-certified library, rather than by hand.
import * as oauth from "oauth4webapi";

const SESSION_KEY = "eakte.session";

export const ROLES = ["caseworker", "teamlead", "municipality", "police", "scanner", "auditor", "ops"];
export const UPLOADER_ROLES = new Set(["municipality", "police", "scanner"]);
export const READER_ROLES = new Set(["caseworker", "teamlead"]);

// What the local stack serves as web/public/config.json: its hosted UI below /local, plain HTTP on loopback.
export const LOCAL_CONFIG = Object.freeze({
  auth: "oauth", development: true, apiBaseUrl: "", authDomain: "/local", issuer: "/local", clientId: "eakte-local",
});

export async function loadConfig(fetchImpl = globalThis.fetch) {
  try {
    const response = await fetchImpl("/config.json", { cache: "no-store" });
    const config = await response.json();
    if (config?.auth === "oauth") return config;
    if (config?.auth === "cognito") return { ...config, auth: "oauth" };  // written by older deployments
  } catch {
    // fall through: no configuration means the local stack
  }
  return { ...LOCAL_CONFIG };
}

export function decodeClaims(token) {
  const part = token.split(".")[1] ?? "";
  const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
}

export function sessionFromToken(token) {
  return sessionFromClaims(token, decodeClaims(token));
}

export function sessionFromClaims(token, claims) {
  const groups = claims["cognito:groups"] ?? [];
  return {
    token, subject: claims["cognito:username"] ?? claims.sub, groups, expiresAt: (claims.exp ?? 0) * 1000,
    tenant: claims["custom:municipality"] ?? null, team: claims["custom:team"] ?? null,
  };
}

export function primaryRole(groups) {
  return ROLES.find((r) => groups.includes(r)) ?? groups[0] ?? "";
}

export function saveSession(session, storage = globalThis.sessionStorage) {
  if (session) storage.setItem(SESSION_KEY, JSON.stringify(session));
  else storage.removeItem(SESSION_KEY);
}

export function restoreSession(storage = globalThis.sessionStorage, now = Date.now()) {
  try {
    const session = JSON.parse(storage.getItem(SESSION_KEY) ?? "null");
    return session && session.expiresAt > now ? session : null;
  } catch {
    return null;
  }
}

// --- authorisation code + PKCE ------------------------------------------------------------
const PENDING_KEY = "eakte.pkce";
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** A sign-in that did not work, with the OAuth error code (state_mismatch, access_denied, invalid_grant ...). */
export class SignInError extends Error {
  constructor(code, message) {
    super(message || code);
    this.name = "SignInError";
    this.code = code;
  }
}

export function base64url(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The S256 code challenge of a verifier (RFC 7636, section 4.2). */
export const challengeOf = (verifier) => oauth.calculatePKCECodeChallenge(verifier);

const withoutSlash = (url) => url.replace(/\/+$/, "");

/** Cognito's endpoints below its domain; relative settings (the local stack) against this origin. */
export function authorizationServer(config, location = globalThis.location) {
  const domain = withoutSlash(new URL(config.authDomain ?? config.cognitoDomain, location.origin).href);
  return {
    issuer: withoutSlash(new URL(config.issuer, location.origin).href),
    authorization_endpoint: `${domain}/oauth2/authorize`,
    token_endpoint: `${domain}/oauth2/token`,
    end_session_endpoint: `${domain}/logout`,
  };
}

const clientOf = (config) => ({ client_id: config.clientId, token_endpoint_auth_method: "none" });

export function redirectUri(config, location = globalThis.location) {
  return config.redirectUri ?? `${location.origin}/`;
}

function requestOptions(config, as, fetchImpl) {
  const options = {};
  // The local issuer speaks plain HTTP, on loopback only; everything else must be HTTPS.
  if (config.development && LOOPBACK.has(new URL(as.token_endpoint).hostname)) {
    options[oauth.allowInsecureRequests] = true;
  }
  if (fetchImpl) options[oauth.customFetch] = fetchImpl;
  return options;
}

/** Where to send the browser to sign in; remembers verifier, state and nonce (this tab only) for the way back. */
export async function authorizeUrl(config, storage = globalThis.sessionStorage, location = globalThis.location) {
  const as = authorizationServer(config, location);
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  storage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, nonce }));
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: "code", client_id: config.clientId, redirect_uri: redirectUri(config, location),
    scope: (config.scopes ?? ["openid", "email", "profile"]).join(" "), state, nonce,
    code_challenge_method: "S256", code_challenge: await challengeOf(verifier),
  }).toString();
  return url.href;
}

/** Is this page load the way back from the sign-in page (?code= or ?error=)? */
export function isCallback(search) {
  const params = new URLSearchParams(search);
  return params.has("code") || params.has("error");
}

/**
 * Back from the sign-in page: check state, exchange the code (with the verifier) at the token
 * endpoint, check the ID token's issuer, audience, expiry and nonce. Returns the session, or null
 * when this is no callback. The pending verifier is used once, whatever happens.
 */
export async function completeSignIn(config, search, storage = globalThis.sessionStorage,
  fetchImpl = undefined, location = globalThis.location) {
  const params = new URLSearchParams(search);
  if (!isCallback(search)) return null;
  const pending = JSON.parse(storage.getItem(PENDING_KEY) ?? "null");
  storage.removeItem(PENDING_KEY);
  if (!pending) throw new SignInError("no_pending_sign_in", "no sign-in was started in this tab");
  if (params.get("state") !== pending.state) throw new SignInError("state_mismatch", "state mismatch");
  const as = authorizationServer(config, location);
  const client = clientOf(config);
  try {
    const callback = oauth.validateAuthResponse(as, client, params, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback,
      redirectUri(config, location), pending.verifier, requestOptions(config, as, fetchImpl));
    const result = await oauth.processAuthorizationCodeResponse(as, client, response,
      { expectedNonce: pending.nonce, requireIdToken: true });
    // The API checks the ID token (its audience is the app client), as API Gateway's Cognito
    // authoriser does; the access token is not needed and is not kept.
    return sessionFromClaims(result.id_token, oauth.getValidatedIdTokenClaims(result));
  } catch (e) {
    if (e instanceof oauth.AuthorizationResponseError || e instanceof oauth.ResponseBodyError) {
      throw new SignInError(e.error, e.error_description || e.error);
    }
    throw new SignInError(e.code ?? "sign_in_failed", e.message);
  }
}

/** Sign-out at the hosted UI (ends its session too), back to the app. */
export function logoutUrl(config, location = globalThis.location) {
  const url = new URL(authorizationServer(config, location).end_session_endpoint);
  url.search = new URLSearchParams({ client_id: config.clientId, logout_uri: redirectUri(config, location) }).toString();
  return url.href;
}

/** Milliseconds until the session's token expires (never negative). */
export function msUntilExpiry(session, now = Date.now()) {
  return Math.max(0, (session?.expiresAt ?? 0) - now);
}
