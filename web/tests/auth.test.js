import { describe, expect, it, vi } from "vitest";
import {
  authorizeUrl, base64url, challengeOf, completeSignIn, devSignIn, primaryRole, restoreSession, saveSession,
  sessionFromToken,
} from "../src/auth.js";

const memoryStorage = () => {
  const data = new Map();
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => data.set(k, String(v)), removeItem: (k) => data.delete(k) };
};

function token(claims) {
  const enc = (o) => base64url(new TextEncoder().encode(JSON.stringify(o)));
  return `${enc({ alg: "RS256" })}.${enc(claims)}.signature`;
}

const CONFIG = { auth: "cognito", cognitoDomain: "https://login.example.test", clientId: "client-1",
  redirectUri: "https://eakte.example.test/" };

describe("PKCE", () => {
  it("computes the S256 challenge of RFC 7636, appendix B", async () => {
    expect(await challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
      .toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it("sends the browser to the hosted UI with code flow, S256 challenge and state", async () => {
    const storage = memoryStorage();
    const url = new URL(await authorizeUrl(CONFIG, storage));
    expect(url.origin + url.pathname).toBe("https://login.example.test/oauth2/authorize");
    expect(url.searchParams.get("response_type")).toBe("code");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("redirect_uri")).toBe("https://eakte.example.test/");
    const pending = JSON.parse(storage.getItem("eakte.pkce"));
    expect(pending.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("state")).toBe(pending.state);
    expect(url.searchParams.get("code_challenge")).toBe(await challengeOf(pending.verifier));
  });

  it("exchanges the code with the verifier and keeps the ID token", async () => {
    const storage = memoryStorage();
    storage.setItem("eakte.pkce", JSON.stringify({ verifier: "v".repeat(43), state: "s1" }));
    const idToken = token({ sub: "u1", "cognito:username": "anna", "cognito:groups": ["caseworker"], exp: 4102444800 });
    const fetchImpl = vi.fn(async () => ({ ok: true, json: async () => ({ id_token: idToken, access_token: "a" }) }));
    const session = await completeSignIn(CONFIG, "?code=c1&state=s1", storage, fetchImpl);
    expect(session).toMatchObject({ subject: "anna", groups: ["caseworker"], token: idToken });
    const [url, request] = fetchImpl.mock.calls[0];
    expect(url).toBe("https://login.example.test/oauth2/token");
    const body = new URLSearchParams(request.body);
    expect(body.get("grant_type")).toBe("authorization_code");
    expect(body.get("code")).toBe("c1");
    expect(body.get("code_verifier")).toBe("v".repeat(43));
    expect(storage.getItem("eakte.pkce")).toBeNull();  // single use
  });

  it("refuses a callback whose state does not match", async () => {
    const storage = memoryStorage();
    storage.setItem("eakte.pkce", JSON.stringify({ verifier: "v".repeat(43), state: "s1" }));
    await expect(completeSignIn(CONFIG, "?code=c1&state=forged", storage, vi.fn())).rejects.toThrow("state mismatch");
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
  });

  it("asks the dev issuer for a token with the role's claims only", async () => {
    const idToken = token({ sub: "x", "cognito:groups": ["caseworker"], exp: 4102444800 });
    const fetchImpl = vi.fn(async () => ({ ok: true, json: async () => ({ token: idToken }) }));
    await devSignIn({ subject: "x", role: "caseworker", tenant: "bfs-1", team: "t" }, fetchImpl);
    expect(JSON.parse(fetchImpl.mock.calls[0][1].body)).toEqual({ sub: "x", groups: ["caseworker"], team: "t" });
    await devSignIn({ subject: "g", role: "municipality", tenant: "bfs-1", team: "t" }, fetchImpl);
    expect(JSON.parse(fetchImpl.mock.calls[1][1].body)).toEqual({ sub: "g", groups: ["municipality"], municipality: "bfs-1" });
  });
});
