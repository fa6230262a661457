"""Keep credentials out of log lines and error messages.

requests-oauthlib logs the token request's body (with the client secret) and every token at
DEBUG level. A filter on its loggers replaces every registered secret by ``***`` before any
handler sees the record; every :class:`~pulumi_zarr.errors.PulumiZarrError` masks its message
the same way, so a secret the service echoes back (in an ``error_description``, a validation
message, a malformed body) never reaches the user.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from urllib.parse import quote, quote_plus

MASK = "***"

#: Loggers of third-party libraries that write credentials into DEBUG records.
_NOISY_LOGGERS = (
    "requests_oauthlib.oauth2_session",
    "urllib3.connectionpool",
)

#: Token-shaped values, masked even before we learn the token: requests-oauthlib logs the token
#: endpoint's response body before any hook of ours sees the new token.
_PATTERNS = (
    re.compile(
        r"""(["']?(?:access_token|refresh_token|id_token|client_secret)["']?\s*[:=]\s*["']?)"""
        r"""[^"'&,}\s]+"""
    ),
    re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+"),
)

_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Mask ``value`` (also URL-encoded or JSON-escaped, as a service may echo it) in log
    records and error messages."""
    if value and len(value) >= 4:
        forms = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
        with _lock:
            _secrets.update(forms)


def redact(text: str) -> str:
    """``text`` with every registered secret masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + MASK, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with secrets masked (the record is kept)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error handling
            return True
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_filter = RedactingFilter()


def install() -> None:
    """Attach the filter to the libraries' loggers (idempotent)."""
    for name in _NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)
