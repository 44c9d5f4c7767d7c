"""Who is calling: verify a bearer JWT (RS256 against the issuer's JWKS) and read the
caller's groups and tenant. The same code verifies Cognito tokens in AWS and the dev
issuer's tokens locally; only the issuer/audience/JWKS URL differ (environment)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from typing import Any

import jwt

from eakte.errors import AuthError
from eakte.settings import GROUPS_CLAIM, TEAM_CLAIM, TENANT_CLAIM, EnvVar

_ALGORITHMS = ["RS256"]  # never "none", never HMAC with a public key


@dataclass(frozen=True)
class Principal:
    subject: str
    groups: frozenset[str]
    tenant: str | None = None
    team: str | None = None
    source_ip: str | None = None  # from the request, for the audit trail

    def in_any(self, groups: frozenset[str]) -> bool:
        return bool(self.groups & groups)


class TokenVerifier:
    def __init__(self, issuer: str, audience: str, jwks_url: str) -> None:
        self._issuer = issuer
        self._audience = audience
        # PyJWT's JWKS client caches keys and refetches on an unknown key id (key rotation)
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600, timeout=5)

    def verify(self, authorization: str | None) -> Principal:
        if not authorization:
            raise AuthError("missing bearer token")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise AuthError("the Authorization header must be 'Bearer <token>'")
        try:
            key = self._jwks.get_signing_key_from_jwt(token)
            claims: dict[str, Any] = jwt.decode(
                token, key.key, algorithms=_ALGORITHMS, issuer=self._issuer,
                options={"require": ["exp", "iat", "iss", "sub"], "verify_aud": False}, leeway=30,
            )
        except jwt.PyJWKClientConnectionError as e:
            raise AuthError(f"cannot fetch the issuer's keys: {e}") from e
        except jwt.PyJWTError as e:
            raise AuthError(f"invalid token: {e}") from e
        # Cognito ID tokens carry the app client in "aud", access tokens in "client_id".
        audience = claims.get("aud") if claims.get("token_use") != "access" else claims.get("client_id")
        audiences = audience if isinstance(audience, list) else [audience]
        if self._audience not in audiences:
            raise AuthError("invalid token: wrong audience")
        groups = claims.get(GROUPS_CLAIM) or []
        if isinstance(groups, str):
            groups = [groups]
        return Principal(subject=str(claims["sub"]), groups=frozenset(groups),
                         tenant=claims.get(TENANT_CLAIM), team=claims.get(TEAM_CLAIM))


@cache
def verifier_from_env() -> TokenVerifier:
    return TokenVerifier(os.environ[EnvVar.JWT_ISSUER], os.environ[EnvVar.JWT_AUDIENCE],
                         os.environ[EnvVar.JWKS_URL])
