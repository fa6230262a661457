"""OAuth2 client credentials: the token endpoint's logic and bearer-token checks.

Tokens are ``<payload>.<HMAC-SHA256>`` with a random key per emulator instance, so a token is
bound to its account, its expiry and this instance; forged or foreign tokens fail the HMAC.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import parse_qs

_ACCOUNT_NS = uuid.UUID("6b1f7a52-0c1e-4d6e-9a8c-5d2f0a3e7b11")


def account_id(client_id: str) -> str:
    """The account of an OAuth client: stable across restarts (one account per client)."""
    return str(uuid.uuid5(_ACCOUNT_NS, client_id))


@dataclass(frozen=True)
class Principal:
    client_id: str
    account_id: str


class OAuthError(Exception):
    """An OAuth-style error response: ``{"error": code, "error_description": ...}``."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenIssuer:
    """Checks client credentials and issues/verifies bearer tokens."""

    def __init__(self, clients: dict[str, str], ttl: float = 3600.0) -> None:
        self._clients = dict(clients)
        self.ttl = ttl
        self._key = secrets.token_bytes(32)

    def claimed_client(self, body: bytes, authorization: str | None) -> str | None:
        """The client id a token request names (for counters and rate limits), if any."""
        basic = _basic(authorization)
        if basic:
            return basic[0]
        ids = _form(body).get("client_id")
        return ids[0] if ids else None

    def issue(self, body: bytes, content_type: str, authorization: str | None) -> dict:
        """Handle a token request; raises :class:`OAuthError` on failure."""
        if content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
            raise OAuthError(
                400, "invalid_request", "expected an application/x-www-form-urlencoded body"
            )
        form = _form(body)
        grant = form.get("grant_type", [None])[0]
        if grant is None:
            raise OAuthError(400, "invalid_request", "missing grant_type")
        if grant != "client_credentials":
            raise OAuthError(400, "unsupported_grant_type", "only client_credentials is supported")
        basic = _basic(authorization)
        client_id, secret = (
            basic
            if basic
            else (form.get("client_id", [None])[0], form.get("client_secret", [None])[0])
        )
        expected = self._clients.get(client_id or "")
        if (
            not client_id
            or secret is None
            or expected is None
            or not hmac.compare_digest(expected.encode(), secret.encode())
        ):
            raise OAuthError(401, "invalid_client", "Invalid client or Invalid client credentials")
        expires = int(time.time() + self.ttl)
        payload = _b64(
            json.dumps(
                {"cid": client_id, "exp": expires, "n": secrets.token_urlsafe(8)},
                separators=(",", ":"),
            ).encode()
        )
        return {
            "access_token": f"{payload}.{self._sign(payload)}",
            "token_type": "Bearer",
            "expires_in": int(self.ttl),
            "scope": "SH",
        }

    def verify(self, authorization: str | None) -> Principal | None:
        """The principal of a valid, unexpired bearer token of this instance, else None."""
        if not authorization or authorization[:7].lower() != "bearer ":
            return None
        token = authorization[7:].strip()
        payload, _, signature = token.partition(".")
        if not payload or not hmac.compare_digest(self._sign(payload), signature):
            return None
        try:
            claims = json.loads(_unb64(payload))
        except (ValueError, binascii.Error):
            return None
        client_id = claims.get("cid")
        if client_id not in self._clients or float(claims.get("exp", 0)) <= time.time():
            return None
        return Principal(client_id, account_id(client_id))

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())


def _form(body: bytes) -> dict[str, list[str]]:
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        return {}


class ClientCredentials(NamedTuple):
    client_id: str
    secret: str


def _basic(authorization: str | None) -> ClientCredentials | None:
    if not authorization or authorization[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    from urllib.parse import unquote_plus

    return ClientCredentials(unquote_plus(client_id), unquote_plus(secret)) if sep else None
