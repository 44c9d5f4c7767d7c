import { describe, expect, it, vi } from "vitest";
import {
  authorizationServer, authorizeUrl, base64url, challengeOf, completeSignIn, isCallback, loadConfig,
  LOCAL_CONFIG, logoutUrl, msUntilExpiry, primaryRole, restoreSession, saveSession, sessionFromToken, SignInError,
} from "../src/auth.js";

const memoryStorage = () => {
  const data = new Map();
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => data.set(k, String(v)), removeItem: (k) => data.delete(k) };
};

function token(claims) {
  const enc = (o) => base64url(new TextEncoder().encode(JSON.stringify(o)));
  return `${enc({ alg: "RS256" })}.${enc(claims)}.signature`;
}

const CONFIG = { auth: "oauth", cognitoDomain: "https://login.example.test", clientId: "client-1",
  issuer: "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_pool", redirectUri: "https://eakte.example.test/" };
const LOCATION = { origin: "https://eakte.example.test" };
const NOW = () => Math.floor(Date.now() / 1000);

function idToken(overrides = {}) {
  return token({ iss: CONFIG.issuer, aud: "client-1", sub: "u1", "cognito:username": "anna", token_use: "id",
    "cognito:groups": ["caseworker"], "custom:team": "team-a", iat: NOW(), exp: NOW() + 3600, ...overrides });
}

/** A token endpoint that answers like Cognito's, recording what it was sent. */
function tokenEndpoint(status, body) {
  return vi.fn(async () => new Response(JSON.stringify(body), {
    status, headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  }));
}

/** Start a sign-in; returns what the hosted UI would send back and what the app remembered. */
async function started(config = CONFIG) {
  const storage = memoryStorage();
  const url = new URL(await authorizeUrl(config, storage, LOCATION));
  return { storage, url, pending: JSON.parse(storage.getItem("eakte.pkce")) };
}

describe("PKCE and the code flow", () => {
  it("computes the S256 challenge of RFC 7636, appendix B", async () => {
    expect(await challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
      .toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it("sends the browser to the hosted UI with code flow, S256 challenge, state and nonce", async () => {
    const { url, pending } = await started();
    expect(url.origin + url.pathname).toBe("https://login.example.test/oauth2/authorize");
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("client_id")).toBe("client-1");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("redirect_uri")).toBe("https://eakte.example.test/");
    expect(url.searchParams.get("scope")).toBe("openid email profile");
    expect(pending.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(url.searchParams.get("state")).toBe(pending.state);
    expect(url.searchParams.get("nonce")).toBe(pending.nonce);
    expect(url.searchParams.get("code_challenge")).toBe(await challengeOf(pending.verifier));
    const second = await started();
    expect(second.pending.verifier).not.toBe(pending.verifier);  // fresh every time
    expect(second.pending.state).not.toBe(pending.state);
  });

  it("exchanges the code with the verifier and keeps the ID token", async () => {
    const { storage, pending } = await started();
    const id = idToken({ nonce: pending.nonce });
    const fetchImpl = tokenEndpoint(200, { id_token: id, access_token: "a", token_type: "Bearer", expires_in: 3600 });
    const session = await completeSignIn(CONFIG, `?code=c1&state=${pending.state}`, storage, fetchImpl, LOCATION);
    expect(session).toMatchObject({ subject: "anna", groups: ["caseworker"], team: "team-a", token: id });
    expect(session.expiresAt).toBeGreaterThan(Date.now());
    const [url, request] = fetchImpl.mock.calls[0];
    expect(String(url)).toBe("https://login.example.test/oauth2/token");
    expect(request.method).toBe("POST");
    const body = new URLSearchParams(String(request.body));
    expect(Object.fromEntries(body)).toEqual({
      grant_type: "authorization_code", client_id: "client-1", code: "c1",
      redirect_uri: "https://eakte.example.test/", code_verifier: pending.verifier });
    expect(storage.getItem("eakte.pkce")).toBeNull();  // single use
  });

  it("refuses a callback whose state does not match, without calling the token endpoint", async () => {
    const { storage } = await started();
    const fetchImpl = vi.fn();
    const failure = completeSignIn(CONFIG, "?code=c1&state=forged", storage, fetchImpl, LOCATION);
    await expect(failure).rejects.toThrow("state mismatch");
    await expect(failure).rejects.toMatchObject({ code: "state_mismatch" });
    expect(fetchImpl).not.toHaveBeenCalled();
    expect(storage.getItem("eakte.pkce")).toBeNull();  // and the attempt is spent
  });

  it("refuses a callback nobody started in this tab", async () => {
    await expect(completeSignIn(CONFIG, "?code=c1&state=s1", memoryStorage(), vi.fn(), LOCATION))
      .rejects.toMatchObject({ code: "no_pending_sign_in" });
  });

  it("refuses an ID token with another nonce, issuer or audience", async () => {
    for (const claims of [{ nonce: "replayed" }, { iss: "https://evil.example" }, { aud: "other-client" }]) {
      const { storage, pending } = await started();
      const fetchImpl = tokenEndpoint(200, { id_token: idToken({ nonce: pending.nonce, ...claims }),
        access_token: "a", token_type: "Bearer", expires_in: 3600 });
      await expect(completeSignIn(CONFIG, `?code=c1&state=${pending.state}`, storage, fetchImpl, LOCATION))
        .rejects.toBeInstanceOf(SignInError);
    }
  });

  it("reports the hosted UI's and the token endpoint's OAuth errors", async () => {
    let { storage, pending } = await started();
    await expect(completeSignIn(CONFIG, `?error=access_denied&state=${pending.state}`, storage, vi.fn(), LOCATION))
      .rejects.toMatchObject({ code: "access_denied" });
    ({ storage, pending } = await started());
    const fetchImpl = tokenEndpoint(400, { error: "invalid_grant", error_description: "code already used" });
    await expect(completeSignIn(CONFIG, `?code=c1&state=${pending.state}`, storage, fetchImpl, LOCATION))
      .rejects.toMatchObject({ code: "invalid_grant", message: "code already used" });
  });

  it("talks plain HTTP only to the local issuer on loopback", async () => {
    const local = { ...LOCAL_CONFIG };
    const here = { origin: "http://127.0.0.1:8080" };
    expect(authorizationServer(local, here)).toEqual({
      issuer: "http://127.0.0.1:8080/local", authorization_endpoint: "http://127.0.0.1:8080/local/oauth2/authorize",
      token_endpoint: "http://127.0.0.1:8080/local/oauth2/token", end_session_endpoint: "http://127.0.0.1:8080/local/logout" });
    const storage = memoryStorage();
    await authorizeUrl(local, storage, here);
    const { state, nonce } = JSON.parse(storage.getItem("eakte.pkce"));
    const id = token({ iss: "http://127.0.0.1:8080/local", aud: "eakte-local", sub: "x", iat: NOW(), exp: NOW() + 60, nonce });
    const ok = tokenEndpoint(200, { id_token: id, access_token: "a", token_type: "Bearer", expires_in: 60 });
    expect(await completeSignIn(local, `?code=c&state=${state}`, storage, ok, here)).toMatchObject({ subject: "x" });
    // the same over plain HTTP to anything but loopback is refused before any request
    const remote = { ...local, authDomain: "http://login.example.test", issuer: "http://login.example.test" };
    await authorizeUrl(remote, storage, here);
    const pending = JSON.parse(storage.getItem("eakte.pkce"));
    const never = vi.fn();
    await expect(completeSignIn(remote, `?code=c&state=${pending.state}`, storage, never, here)).rejects.toThrow();
    expect(never).not.toHaveBeenCalled();
  });

  it("signs out at the hosted UI and comes back to the app", () => {
    const url = new URL(logoutUrl(CONFIG, LOCATION));
    expect(url.origin + url.pathname).toBe("https://login.example.test/logout");
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: "client-1", logout_uri: "https://eakte.example.test/" });
  });

  it("knows a callback from an ordinary page load", () => {
    expect(isCallback("?code=abc&state=s")).toBe(true);
    expect(isCallback("?error=access_denied")).toBe(true);
    expect(isCallback("")).toBe(false);
  });

  it("reads the deployed configuration, and falls back to the local stack's", async () => {
    const served = (body) => vi.fn(async () => ({ json: async () => body }));
    expect(await loadConfig(served({ auth: "cognito", clientId: "c" }))).toMatchObject({ auth: "oauth", clientId: "c" });
    expect(await loadConfig(served({ auth: "oauth", clientId: "d" }))).toMatchObject({ auth: "oauth", clientId: "d" });
    expect(await loadConfig(vi.fn(async () => { throw new Error("offline"); }))).toEqual({ ...LOCAL_CONFIG });
  });
});

describe("sessions", () => {
  it("reads groups, tenant and expiry from the token", () => {
    const s = sessionFromToken(token({ sub: "g1", "cognito:groups": ["municipality"], "custom:municipality": "bfs-230", exp: 100 }));
    expect(s).toMatchObject({ subject: "g1", groups: ["municipality"], tenant: "bfs-230", expiresAt: 100000 });
    expect(primaryRole(["auditor", "caseworker"])).toBe("caseworker");
  });

  it("forgets an expired session", () => {
    const storage = memoryStorage();
    saveSession({ token: "t", expiresAt: 1000 }, storage);
    expect(restoreSession(storage, 999)).toMatchObject({ token: "t" });
    expect(restoreSession(storage, 1001)).toBeNull();
    expect(msUntilExpiry({ expiresAt: 1000 }, 400)).toBe(600);
    expect(msUntilExpiry({ expiresAt: 1000 }, 1400)).toBe(0);
  });
});
