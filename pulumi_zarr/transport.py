"""HTTP plumbing of the client: one OAuth2 session with retries and a reused token.

* One ``requests`` session (so one keep-alive connection pool) per client. oauthlib builds
  and reads the token request; the bearer token is added here. (requests-oauthlib's session
  refuses plain http unless the whole process sets ``OAUTHLIB_INSECURE_TRANSPORT``;
  :class:`~pulumi_zarr.settings.Settings` already allows http only to this machine.)
* Retries come from urllib3's ``Retry``: 429 for every method (the request was not
  processed), 5xx and dropped/timed-out reads for idempotent methods only, connection
  failures before sending for every method. Sentinel Hub sends ``Retry-After`` in
  **milliseconds**, urllib3 reads seconds: :class:`SentinelHubRetry` converts.
* One token per client, fetched with the client-credentials grant, refreshed shortly before
  it expires and once more if the API answers 401.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from typing import Any

import requests
from oauthlib.common import urldecode
from oauthlib.oauth2 import BackendApplicationClient, OAuth2Error
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.retry import Retry

from . import redaction
from .errors import (
    AuthError,
    RequestMayHaveBeenApplied,
    RequestNotSent,
    RequestTimedOut,
    TransportError,
    ZarrApiError,
    error_class_for,
)
from .models import ErrorBody
from .settings import Settings, source_text

log = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Refresh a token this long before it expires (at most a tenth of its lifetime).
REFRESH_MARGIN_SECONDS = 120.0


class SentinelHubRetry(Retry):
    """urllib3 ``Retry`` that reads ``Retry-After`` as milliseconds and retries 429 always."""

    max_retry_after: float = 60.0

    def new(self, **kw: Any) -> SentinelHubRetry:
        retry = super().new(**kw)
        retry.max_retry_after = self.max_retry_after
        return retry

    def parse_retry_after(self, retry_after: str) -> float:
        if re.fullmatch(r"\s*[0-9]+\s*", retry_after):
            return min(int(retry_after) / 1000.0, self.max_retry_after)
        return min(super().parse_retry_after(retry_after), self.max_retry_after)

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


def error_from_response(response: requests.Response) -> ZarrApiError:
    """The typed exception for an error response (body ``{"error": Boom}`` when present)."""
    method = response.request.method if response.request is not None else None
    path = requests.utils.urlparse(response.url).path if response.url else None
    code = reason = None
    message = response.reason or "error"
    details = None
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        inner = body.get("error") if isinstance(body.get("error"), dict) else body
        try:
            boom = ErrorBody(error=inner).error  # type: ignore[arg-type]
            code, reason, details = boom.code, boom.reason or None, boom.errors
            message = boom.message or boom.reason or message
        except ValueError:
            pass
    retry_after = response.headers.get("Retry-After", "")
    return error_class_for(response.status_code)(
        redaction.redact(message),
        status=response.status_code,
        code=code,
        reason=reason,
        method=method,
        path=path,
        retry_after_ms=int(retry_after) if retry_after.isdigit() else None,
        details=details,
    )


def _describe_failure(exc: requests.RequestException) -> str:
    """The innermost cause of a transport failure, without the URL's query."""
    cause = exc.args[0] if exc.args else exc
    cause = getattr(cause, "reason", cause)
    text = str(cause).split(": ", 1)[-1] if isinstance(cause, Exception) else str(cause)
    return f"{type(exc).__name__}: {redaction.redact(text)[:200]}"


def _transport_error(exc: requests.RequestException) -> type[TransportError]:
    """Which kind of "no answer" ``exc`` is: only a connection that failed before the request
    was sent proves it had no effect."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return RequestNotSent
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(reason, (NewConnectionError, ConnectTimeoutError)):
        return RequestNotSent
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return RequestTimedOut
    return RequestMayHaveBeenApplied


class ApiSession:
    """Authorised, retrying HTTP access to one deployment for one OAuth client."""

    def __init__(self, settings: Settings, *, pool_size: int = 8) -> None:
        self.settings = settings
        redaction.install()
        redaction.register_secret(settings.client_secret)
        self._token_lock = threading.Lock()
        self._expires_at = 0.0
        self.token_requests = 0
        self._oauth = BackendApplicationClient(client_id=settings.client_id)
        self._session = requests.Session()
        api_adapter = HTTPAdapter(
            max_retries=make_retry(settings), pool_connections=2, pool_maxsize=pool_size
        )
        # The token request is safe to repeat: it creates nothing.
        token_adapter = HTTPAdapter(
            max_retries=make_retry(settings, IDEMPOTENT_METHODS | {"POST"}), pool_maxsize=2
        )
        self._session.mount("http://", api_adapter)
        self._session.mount("https://", api_adapter)
        self._session.mount(settings.token_url, token_adapter)

    def close(self) -> None:
        self._session.close()

    # -- token ---------------------------------------------------------------------------
    @property
    def access_token(self) -> str | None:
        """The current token (None before the first request)."""
        return self._oauth.access_token

    def _check_token_response(self, response: requests.Response) -> requests.Response:
        """Turn token-endpoint failures that are not OAuth errors into :class:`AuthError`."""
        if response.status_code >= 500 or response.status_code == 429:
            raise self._auth_error(error_from_response(response))
        return response

    def _auth_error(self, cause: ZarrApiError) -> AuthError:
        return AuthError(
            f"could not get a token from {self.settings.token_url}: {cause.message}. The "
            "token endpoint is unavailable or rate-limited: run again in a few minutes",
            status=cause.status,
            code=cause.code,
            method="POST",
            path=requests.utils.urlparse(self.settings.token_url).path,
            retry_after_ms=cause.retry_after_ms,
        )

    def _fetch_token(self) -> None:
        self.token_requests += 1
        body = self._oauth.prepare_request_body(
            include_client_id=True, client_secret=self.settings.client_secret
        )
        try:
            response = self._session.post(
                self.settings.token_url,
                data=dict(urldecode(body)),
                headers={
                    "Accept": "application/json",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
                timeout=self.settings.timeout_seconds,
            )
            token = self._oauth.parse_request_body_response(
                self._check_token_response(response).text
            )
        except AuthError:
            raise
        except OAuth2Error as exc:
            hint = (
                f" Check the client id and secret ({source_text('client_id')}, "
                f"{source_text('client_secret')})."
                if exc.error in ("invalid_client", "unauthorized_client")
                else ""
            )
            raise AuthError(
                f"the token endpoint {self.settings.token_url} refused the credentials of client "
                f"{self.settings.client_id!r}: {exc.error}"
                f"{': ' + exc.description if exc.description else ''}.{hint}",
                status=exc.status_code,
                code="OAUTH_ERROR",
            ) from None
        except requests.RequestException as exc:
            raise AuthError(
                f"could not reach the token endpoint {self.settings.token_url}: "
                f"{_describe_failure(exc)}. Check {source_text('token_url')} and the network, then "
                "run again",
            ) from None
        access_token = token.get("access_token", "")
        redaction.register_secret(access_token)
        lifetime = float(token.get("expires_in") or 3600)
        margin = min(REFRESH_MARGIN_SECONDS, lifetime / 10)
        self._expires_at = time.monotonic() + lifetime - margin

    def ensure_token(self, *, force: bool = False, stale: str | None = None) -> None:
        """Fetch a token if there is none, it is about to expire, or ``force`` is set.

        ``stale`` is the token a caller saw rejected: only that one is replaced, so that
        threads hit by the same 401 fetch one new token between them, not one each.
        """
        with self._token_lock:
            current = self.access_token
            if force and stale is not None and current != stale:
                return
            if force or not current or time.monotonic() >= self._expires_at:
                self._fetch_token()

    # -- requests ------------------------------------------------------------------------
    def request(
        self, method: str, url: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> requests.Response:
        """Send an authorised request; raise a typed error for any error answer."""
        path = requests.utils.urlparse(url).path
        for attempt in (1, 2):
            self.ensure_token()
            token = self.access_token
            started = time.monotonic()
            try:
                response = self._session.request(
                    method,
                    url,
                    json=json,
                    params=params,
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=self.settings.timeout_seconds,
                )
            except requests.RequestException as exc:
                raise _transport_error(exc)(
                    f"{_describe_failure(exc)} ({time.monotonic() - started:.1f} s)",
                    method=method.upper(),
                    path=path,
                ) from None
            log.debug(
                "%s %s -> %s in %.3f s",
                method.upper(),
                path,
                response.status_code,
                time.monotonic() - started,
            )
            if response.status_code == 401 and attempt == 1:
                self.ensure_token(force=True, stale=token)
                continue
            if response.status_code >= 400:
                raise error_from_response(response)
            return response
        raise AssertionError("unreachable")  # pragma: no cover
