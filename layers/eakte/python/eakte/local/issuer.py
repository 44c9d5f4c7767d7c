"""A development identity provider: signs RS256 tokens and serves its JWKS, so the API
verifies local tokens exactly as it verifies Cognito's (issuer, audience, signature, expiry)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from eakte.settings import GROUPS, GROUPS_CLAIM, TEAM_CLAIM, TENANT_CLAIM

TOKEN_TTL_S = 8 * 3600


class DevIssuer:
    def __init__(self, issuer: str, audience: str) -> None:
        self.issuer = issuer
        self.audience = audience
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._kid = uuid.uuid4().hex[:16]

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        jwk.update({"kid": self._kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def issue(self, subject: str, groups: list[str], municipality: str | None = None,
              team: str | None = None, ttl_s: int = TOKEN_TTL_S, **extra: Any) -> str:
        unknown = sorted(set(groups) - set(GROUPS))
        if unknown:
            raise ValueError(f"unknown groups {unknown}; known: {', '.join(GROUPS)}")
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": self.audience, "sub": subject, "iat": now, "exp": now + ttl_s,
            "token_use": "id", GROUPS_CLAIM: groups, **extra,
        }
        if municipality:
            claims[TENANT_CLAIM] = municipality
        if team:
            claims[TEAM_CLAIM] = team
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self._kid})

    def issue_access(self, subject: str, groups: list[str], client_id: str, scope: str, ttl_s: int,
                     **extra: Any) -> str:
        """An access token in Cognito's shape: no `aud`, the app client in `client_id`."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer, "sub": subject, "client_id": client_id, "token_use": "access", "scope": scope,
            "iat": now, "exp": now + ttl_s, "jti": uuid.uuid4().hex, "username": subject, GROUPS_CLAIM: groups,
            **extra,
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self._kid})
