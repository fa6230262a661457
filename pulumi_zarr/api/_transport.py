"""HTTP access of the client: one authorised, retrying session per deployment and OAuth client.

* One connection pool per client; requests are deadline-bound exchanges (:mod:`._deadline`)
  that carry the client-credentials token of :mod:`._auth`, replaced once if the API answers 401.
* Retries come from urllib3's ``Retry``: 429 for every method (the request was not
  processed), 5xx and dropped/timed-out reads for idempotent methods only, connection
  failures before sending for every method. Sentinel Hub sends ``Retry-After`` in
  **milliseconds**, urllib3 reads seconds: :class:`SentinelHubRetry` converts.
"""

from __future__ import annotations

import re
import time
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import requests
from oauthlib.oauth2 import TokenExpiredError
from urllib3.util.retry import Retry

from ..errors import AuthError, UnexpectedResponse
from . import redaction
from ._auth import OAuthSession, Tokens
from ._deadline import (
    WatchedAdapter,
    current,
    deadline,
    error_from_response,
    redirect_target,
    url_path,
    within_deadline,
)
from .settings import Settings

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class SentinelHubRetry(Retry):
    """urllib3 ``Retry`` that reads ``Retry-After`` as milliseconds, retries 429 always, and
    neither retries nor waits past the current deadline."""

    max_retry_after: float = 60.0

    def new(self, **kw: Any) -> SentinelHubRetry:
        retry = super().new(**kw)
        retry.max_retry_after = self.max_retry_after
        return retry

    def parse_retry_after(self, retry_after: str) -> float:
        if re.fullmatch(r"\s*[0-9]+\s*", retry_after):
            return min(int(retry_after) / 1000.0, self.max_retry_after)
        return min(super().parse_retry_after(retry_after), self.max_retry_after)

    def get_retry_after(self, response: Any) -> float | None:
        seconds = super().get_retry_after(response)
        return None if seconds is None else within_deadline(seconds)

    def get_backoff_time(self) -> float:
        return within_deadline(super().get_backoff_time())

    def is_exhausted(self) -> bool:
        guard = current()
        return super().is_exhausted() or (guard is not None and guard.expired)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code == 429 and self.total:
            return True
        return super().is_retry(method, status_code, has_retry_after)


def make_retry(settings: Settings, methods: frozenset[str] = IDEMPOTENT_METHODS) -> Retry:
    retries = max(settings.max_attempts - 1, 0)
    retry = SentinelHubRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        redirect=0,
        allowed_methods=methods,
        status_forcelist=RETRY_STATUSES,
        backoff_factor=0.5,
        backoff_max=10.0,
        backoff_jitter=0.2,
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )
    retry.max_retry_after = settings.max_retry_after_seconds
    return retry


class ApiSession:
    """Authorised, retrying HTTP access to one deployment for one OAuth client."""

    def __init__(self, settings: Settings, *, pool_size: int = 8) -> None:
        self.settings = settings
        redaction.install()
        redaction.register_secret(settings.client_secret)
        api_adapter = WatchedAdapter(
            max_retries=make_retry(settings), pool_connections=2, pool_maxsize=pool_size
        )
        # The token request is safe to repeat: it creates nothing.
        token_adapter = WatchedAdapter(
            max_retries=make_retry(settings, IDEMPOTENT_METHODS | {"POST"}), pool_maxsize=2
        )
        sessions = [
            OAuthSession(
                settings.client_id,
                timeout=settings.timeout_seconds,
                plain_urls=(settings.base_url, settings.token_url),
            )
            for _ in range(2)
        ]
        for session in sessions:
            session.mount("http://", api_adapter)
            session.mount("https://", api_adapter)
            session.mount(settings.token_url, token_adapter)
        self._session, fetcher = sessions
        self.tokens = Tokens(settings, self._session, fetcher)
        self._fetcher = fetcher

    def close(self) -> None:
        self._session.close()
        self._fetcher.close()

    @property
    def request_budget(self) -> float:
        """The longest one request may take with its retries, when no deadline is set."""
        return self.settings.timeout_seconds * self.settings.max_attempts

    def _within_budget(self) -> AbstractContextManager[Any]:
        """The current deadline, or :attr:`request_budget` from now when there is none."""
        if current() is not None:
            return nullcontext()
        return deadline(time.monotonic() + self.request_budget)

    @property
    def access_token(self) -> str | None:
        """The current token (None before the first request)."""
        return self.tokens.access_token

    @property
    def token_requests(self) -> int:
        """Tokens fetched so far."""
        return self.tokens.fetched

    def ensure_token(self, *, force: bool = False, stale: str | None = None) -> None:
        """Fetch a token if there is none, it is about to expire, or ``force`` is set (only
        in place of ``stale``, when given: see :meth:`Tokens.ensure`)."""
        with self._within_budget():
            self.tokens.ensure(force=force, stale=stale)

    def request(
        self, method: str, url: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> requests.Response:
        """Send an authorised request; raise a typed error for any error answer.

        Outside a :func:`deadline`, the request (with its retries) gets
        :attr:`request_budget` seconds."""
        with self._within_budget():
            return self._request(method.upper(), url, json=json, params=params)

    def _request(
        self, method: str, url: str, *, json: Any, params: dict[str, Any] | None
    ) -> requests.Response:
        for attempt in (1, 2):
            self.ensure_token()
            token = self.access_token
            response: requests.Response | None
            try:
                response = self._session.request(method, url, json=json, params=params)
            except TokenExpiredError:  # oauthlib's clock passed expires_at: as if a 401
                response = None
            if attempt == 1 and (response is None or response.status_code == 401):
                self.ensure_token(force=True, stale=token)
                continue
            if response is None:
                raise AuthError(
                    f"the token from {self.settings.token_url} expired before it could be "
                    "used. Check the clock of this machine",
                    method=method,
                    path=url_path(url),
                )
            if 300 <= response.status_code < 400:
                raise UnexpectedResponse(
                    f"a redirect to {redirect_target(response)}; redirects are not followed. "
                    f"Check {self.settings.source('base_url')} and "
                    f"{self.settings.source('api_prefix')}",
                    status=response.status_code,
                    method=method,
                    path=url_path(url),
                )
            if response.status_code >= 400:
                raise error_from_response(response)
            return response
        raise AssertionError("unreachable")  # pragma: no cover
