// Sign-in. Local: the development issuer (POST /local/token). AWS: Cognito's hosted UI with the
// authorisation code flow and PKCE (RFC 7636); its settings come from /config.json, which the
// CDK deployment writes next to the app (see infra/constructs/web.py).

const SESSION_KEY = "eakte.session";
const PKCE_KEY = "eakte.pkce";

export const ROLES = ["caseworker", "teamlead", "municipality", "police", "scanner", "auditor", "ops"];
export const UPLOADER_ROLES = new Set(["municipality", "police", "scanner"]);
export const READER_ROLES = new Set(["caseworker", "teamlead"]);

export async function loadConfig(fetchImpl = globalThis.fetch) {
  try {
    const response = await fetchImpl("/config.json", { cache: "no-store" });
    const config = await response.json();
    if (config && (config.auth === "local" || config.auth === "cognito")) return config;
  } catch {
    // fall through: no deployed configuration means the local stack
  }
  return { auth: "local", apiBaseUrl: "" };
}

export function decodeClaims(token) {
  const part = token.split(".")[1] ?? "";
  const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
}

export function sessionFromToken(token) {
  const claims = decodeClaims(token);
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

export async function devSignIn({ subject, role, tenant, team }, fetchImpl = globalThis.fetch) {
  const body = { sub: subject, groups: [role] };
  if (UPLOADER_ROLES.has(role) && tenant) body.municipality = tenant;
  if (READER_ROLES.has(role) && team) body.team = team;
  const response = await fetchImpl("/local/token", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  const payload = await response.json();
  if (!response.ok) throw new Error(payload?.error?.message ?? `HTTP ${response.status}`);
  return sessionFromToken(payload.token);
}

// --- PKCE ---------------------------------------------------------------------------------
export function base64url(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function randomVerifier(cryptoImpl = globalThis.crypto) {
  return base64url(cryptoImpl.getRandomValues(new Uint8Array(32)));  // 43 characters
}

export async function challengeOf(verifier, cryptoImpl = globalThis.crypto) {
  const digest = await cryptoImpl.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export function redirectUri(config, location = globalThis.location) {
  return config.redirectUri ?? `${location.origin}/`;
}

/** Where to send the browser to sign in; remembers verifier and state for the way back. */
export async function authorizeUrl(config, storage = globalThis.sessionStorage, location = globalThis.location) {
  const verifier = randomVerifier();
  const state = randomVerifier();
  storage.setItem(PKCE_KEY, JSON.stringify({ verifier, state }));
  const params = new URLSearchParams({
    response_type: "code", client_id: config.clientId, redirect_uri: redirectUri(config, location),
    scope: (config.scopes ?? ["openid", "email", "profile"]).join(" "), state,
    code_challenge_method: "S256", code_challenge: await challengeOf(verifier),
  });
  return `${config.cognitoDomain}/oauth2/authorize?${params}`;
}

/** Back from the hosted UI with ?code=&state=: exchange the code (with the verifier) for tokens. */
export async function completeSignIn(config, search, storage = globalThis.sessionStorage,
  fetchImpl = globalThis.fetch, location = globalThis.location) {
  const params = new URLSearchParams(search);
  const code = params.get("code");
  if (!code) return null;
  const pending = JSON.parse(storage.getItem(PKCE_KEY) ?? "null");
  storage.removeItem(PKCE_KEY);
  if (!pending || pending.state !== params.get("state")) throw new Error("state mismatch");
  const response = await fetchImpl(`${config.cognitoDomain}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code", client_id: config.clientId, code,
      redirect_uri: redirectUri(config, location), code_verifier: pending.verifier,
    }).toString(),
  });
  const tokens = await response.json();
  if (!response.ok) throw new Error(tokens?.error ?? `HTTP ${response.status}`);
  // The API checks the ID token (its audience is the app client), as API Gateway's Cognito authoriser does.
  return sessionFromToken(tokens.id_token);
}

export function logoutUrl(config, location = globalThis.location) {
  const params = new URLSearchParams({ client_id: config.clientId, logout_uri: redirectUri(config, location) });
  return `${config.cognitoDomain}/logout?${params}`;
}
