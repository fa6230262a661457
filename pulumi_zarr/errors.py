"""Typed errors of the Zarr Import API client.

Messages carry the HTTP method, the URL path, the status and the service's ``code`` and
``message`` — never a token, a client secret or a request body.
"""

from __future__ import annotations

from typing import Any


class ConfigurationError(Exception):
    """Settings are missing or invalid (for example no client credentials)."""


class ZarrApiError(Exception):
    """An error answer (or no answer) from the Zarr Import API."""

    #: What to do about it, appended to the message (empty: the message says enough).
    hint = ""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        reason: str | None = None,
        method: str | None = None,
        path: str | None = None,
        retry_after_ms: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.message = message
        self.status = status
        self.code = code
        self.reason = reason
        self.method = method
        self.path = path
        self.retry_after_ms = retry_after_ms
        self.details = details
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = f"{self.method} {self.path}: " if self.method and self.path else ""
        status = f"HTTP {self.status}" if self.status is not None else "no response"
        code = f" {self.code}" if self.code else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{status}{code}: {self.message}{hint}"


class BadRequest(ZarrApiError):
    """400: the service refused the payload."""


class Unauthorized(ZarrApiError):
    """401: no valid token (also after fetching a fresh one)."""


class Forbidden(ZarrApiError):
    """403: the account may not do this (or its quota is used up)."""


class NotFound(ZarrApiError):
    """404: no such collection or array (for this account)."""


class Conflict(ZarrApiError):
    """409: the request conflicts with the current state."""


class RateLimited(ZarrApiError):
    """429 after the retry budget was spent; ``retry_after_ms`` says when to try again."""

    hint = "rate limit still exceeded after the retries: wait a minute, then run again"


class ServerError(ZarrApiError):
    """5xx after the retry budget was spent (or for a request that may not be retried)."""

    hint = "the service failed: run again later; if it persists, check the service status"


class AuthError(ZarrApiError):
    """The token endpoint refused the credentials or could not be reached."""


class TransportError(ZarrApiError):
    """No HTTP answer: connection refused or dropped, or a timeout.

    ``maybe_applied`` is true when the request may have reached the service before the
    connection failed (a non-idempotent request such as POST may have taken effect);
    ``timed_out`` when no answer came in time (the service may still be working on it).
    """

    def __init__(
        self, message: str, *, maybe_applied: bool, timed_out: bool = False, **kwargs: Any
    ) -> None:
        self.maybe_applied = maybe_applied
        self.timed_out = timed_out
        super().__init__(message, **kwargs)


_BY_STATUS: dict[int, type[ZarrApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
}


def error_class_for(status: int) -> type[ZarrApiError]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, ZarrApiError)


class MissingExtra(ImportError):
    """An optional extra of pulumi-zarr is not installed; the message says what to install."""

    def __init__(self, extra: str, feature: str, module: str | None = None) -> None:
        self.extra = extra
        missing = f" (module {module!r} is missing)" if module else ""
        super().__init__(
            f"{feature} needs the optional extra '{extra}': "
            f'pip install "pulumi-zarr[{extra}]"{missing}'
        )
