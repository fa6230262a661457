"""HTTP plumbing of the client: one OAuth2 session with retries and a reused token.

* One ``requests`` session (so one keep-alive connection pool) per client. oauthlib builds
  the token request; the token response is checked here and the bearer token added here.
  (:class:`~pulumi_zarr.api.settings.Settings` allows plain http only to this machine.)
* Retries come from urllib3's ``Retry``: 429 for every method (the request was not
  processed), 5xx and dropped/timed-out reads for idempotent methods only, connection
  failures before sending for every method. Sentinel Hub sends ``Retry-After`` in
  **milliseconds**, urllib3 reads seconds: :class:`SentinelHubRetry` converts.
* One token per client, fetched with the client-credentials grant, refreshed shortly before
  it expires and once more if the API answers 401.
* No answer is trusted blindly: redirects are never followed (the token request least of
  all: the client secret goes to the token URL and nowhere else), bodies are read up to
  :data:`MAX_RESPONSE_BYTES`, and every request ends by its operation's :func:`deadline`.
"""

from __future__ import annotations

import json
import logging
import math
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

import requests
from oauthlib.common import urldecode
from oauthlib.oauth2 import BackendApplicationClient
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.retry import Retry

from ..errors import (
    AnswerTooLarge,
    AuthError,
    RequestMayHaveBeenApplied,
    RequestNotSent,
    RequestTimedOut,
    TransportError,
    UnexpectedResponse,
    ZarrApiError,
    error_class_for,
)
from . import redaction
from .models import ErrorBody
from .settings import Settings

# the name users see in PULUMI_ZARR_DEBUG_HTTP lines ("debug: pulumi_zarr.transport: POST …")
log = logging.getLogger("pulumi_zarr.transport")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Refresh a token this long before it expires (at most a tenth of its lifetime).
REFRESH_MARGIN_SECONDS = 120.0
#: The largest answer read. Bodies are streamed and reading stops here, so a hostile answer
#: cannot take memory without bound; a listing whose page is larger asks for smaller pages
#: (:meth:`~pulumi_zarr.api.client.ZarrClient.list_collections`).
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
_CHUNK_BYTES = 64 * 1024


# -- deadlines ----------------------------------------------------------------------------------
class Deadline:
    """When an operation must end. A watchdog shuts the socket of the request in flight when it
    passes, so an answer dripped a byte at a time cannot stretch the operation: the per-read
    timeout alone would wait for every byte anew."""

    def __init__(self, at: float) -> None:
        self.at = at
        self.expired = False
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(max(at - time.monotonic(), 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(self.at - time.monotonic(), 0.0)

    def watch(self, sock: socket.socket | None) -> None:
        """``sock`` carries the request in flight (shut at once if the time is already up)."""
        with self._lock:
            self._sock = sock
            if self.expired:
                _shut(sock)

    def release(self) -> None:
        with self._lock:
            self._sock = None

    def cancel(self) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            _shut(self._sock)


def _shut(sock: socket.socket | None) -> None:
    if sock is not None:
        with suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


_deadline: ContextVar[Deadline | None] = ContextVar("pulumi_zarr_deadline", default=None)


@contextmanager
def deadline(at: float) -> Iterator[Deadline]:
    """Every request this thread makes inside the block ends by ``at`` (``time.monotonic()``
    time; an enclosing deadline that comes sooner wins): none is sent after it, the one in
    flight is cut off, and retries stop."""
    outer = _deadline.get()
    guard = Deadline(min(at, outer.at) if outer is not None else at)
    token = _deadline.set(guard)
    try:
        yield guard
    finally:
        _deadline.reset(token)
        guard.cancel()


def _within_deadline(seconds: float) -> float:
    guard = _deadline.get()
    return seconds if guard is None else min(seconds, guard.remaining())


class _Watched:
    """A connection that lets the current deadline shut its socket while the answer is read."""

    sock: socket.socket | None

    def getresponse(self) -> Any:
        guard = _deadline.get()
        if guard is not None:
            guard.watch(self.sock)
        return super().getresponse()  # type: ignore[misc]


class _HTTPConnection(_Watched, HTTPConnection):
    pass


class _HTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class _Adapter(HTTPAdapter):
    """An adapter whose connections (direct or through a proxy) obey the deadline."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if hasattr(manager, "pool_classes_by_scheme"):
            manager.pool_classes_by_scheme = _POOLS
        return manager


# -- retries ------------------------------------------------------------------------------------
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
        return None if seconds is None else _within_deadline(seconds)

    def get_backoff_time(self) -> float:
        return _within_deadline(super().get_backoff_time())

    def is_exhausted(self) -> bool:
        guard = _deadline.get()
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


# -- answers ------------------------------------------------------------------------------------
def _path(url: str | None) -> str | None:
    return urlsplit(url).path if url else None


def error_from_response(response: requests.Response) -> ZarrApiError:
    """The typed exception for an error response (body ``{"error": Boom}`` when present)."""
    method = response.request.method if response.request is not None else None
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
        message[:500],
        status=response.status_code,
        code=code,
        reason=reason,
        method=method,
        path=_path(response.url),
        retry_after_ms=int(retry_after) if retry_after.isdigit() else None,
        details=details,
    )


def redirect_target(response: requests.Response) -> str:
    """Where a 3xx points, without its query (as messages show it)."""
    location = urlsplit(response.headers.get("Location", ""))
    if location.netloc:
        return f"{location.scheme}://{location.netloc}{location.path}"
    return location.path or "nowhere"


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


def _read_body(response: requests.Response) -> None:
    """Read the whole body into ``response`` (``.content``/``.json()`` work as usual), at most
    :data:`MAX_RESPONSE_BYTES`; raise :class:`AnswerTooLarge` beyond, having read no more."""
    declared = response.headers.get("Content-Length", "")
    chunks: list[bytes] = []
    size = int(declared) if declared.isdigit() else 0
    if size <= MAX_RESPONSE_BYTES:
        size = 0
        for chunk in response.iter_content(_CHUNK_BYTES):
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                break
            chunks.append(chunk)
    if size > MAX_RESPONSE_BYTES:
        chunks.clear()  # now, not when the traceback that holds this frame is collected
        cap = MAX_RESPONSE_BYTES // (1024 * 1024)
        received = (
            f"it declared {int(declared):,} bytes"
            if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES
            else f"more than {cap} MiB arrived"
        )
        raise AnswerTooLarge(
            f"the answer is larger than {cap} MiB ({received}), the most pulumi-zarr reads of "
            "one answer; it was not read",
            status=response.status_code,
            method=response.request.method if response.request is not None else None,
            path=_path(response.url),
        )
    response._content = b"".join(chunks)
    response._content_consumed = True


class ApiSession:
    """Authorised, retrying HTTP access to one deployment for one OAuth client."""

    def __init__(self, settings: Settings, *, pool_size: int = 8) -> None:
        self.settings = settings
        redaction.install()
        redaction.register_secret(settings.client_secret)
        self._token_lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.token_requests = 0
        self._oauth = BackendApplicationClient(client_id=settings.client_id)
        self._session = requests.Session()
        api_adapter = _Adapter(
            max_retries=make_retry(settings), pool_connections=2, pool_maxsize=pool_size
        )
        # The token request is safe to repeat: it creates nothing.
        token_adapter = _Adapter(
            max_retries=make_retry(settings, IDEMPOTENT_METHODS | {"POST"}), pool_maxsize=2
        )
        self._session.mount("http://", api_adapter)
        self._session.mount("https://", api_adapter)
        self._session.mount(settings.token_url, token_adapter)

    def close(self) -> None:
        self._session.close()

    @property
    def request_budget(self) -> float:
        """The longest one request may take with its retries, when no deadline is set."""
        return self.settings.timeout_seconds * self.settings.max_attempts

    def _within_budget(self) -> AbstractContextManager[Any]:
        """The current deadline, or :attr:`request_budget` from now when there is none."""
        if _deadline.get() is not None:
            return nullcontext()
        return deadline(time.monotonic() + self.request_budget)

    def _exchange(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One HTTP exchange (urllib3 retries included) under the current deadline, the body
        read within :data:`MAX_RESPONSE_BYTES`; no answer raises a :class:`TransportError`."""
        guard = _deadline.get()
        assert guard is not None, "requests are made under a deadline"
        path = _path(url)
        if guard.expired:
            raise RequestNotSent(
                "not sent: the operation ran out of time before it", method=method, path=path
            )
        started = time.monotonic()
        failure: requests.RequestException | None = None
        response: requests.Response | None = None
        try:
            response = self._session.request(
                method,
                url,
                timeout=self.settings.timeout_seconds,
                allow_redirects=False,
                stream=True,
                **kwargs,
            )
            _read_body(response)
        except requests.RequestException as exc:
            failure = exc
        finally:
            guard.release()
            if response is not None:
                response.close()
        took = time.monotonic() - started
        if failure is None and not guard.expired:
            assert response is not None
            log.debug("%s %s -> %s in %.3f s", method, path, response.status_code, took)
            return response
        # Past the deadline the socket was shut: an answer read "whole" may be cut short.
        kind = _transport_error(failure) if failure is not None else RequestTimedOut
        if kind is not RequestNotSent and guard.expired:
            raise RequestTimedOut(
                f"no complete answer before the operation's deadline ({took:.1f} s)",
                method=method,
                path=path,
            )
        assert failure is not None
        raise kind(f"{_describe_failure(failure)} ({took:.1f} s)", method=method, path=path)

    # -- token ---------------------------------------------------------------------------
    @property
    def access_token(self) -> str | None:
        """The current token (None before the first request)."""
        return self._token

    def _auth_error(
        self, what: str, advice: str, cause: ZarrApiError | None = None, status: int | None = None
    ) -> AuthError:
        return AuthError(
            f"{what}. {advice}",
            status=cause.status if cause else status,
            code=cause.code if cause else None,
            method="POST",
            path=_path(self.settings.token_url),
            retry_after_ms=cause.retry_after_ms if cause else None,
        )

    def _malformed(self, response: requests.Response, what: str) -> AuthError:
        return self._auth_error(
            f"the token endpoint {self.settings.token_url} answered HTTP "
            f"{response.status_code} with {what}, not a token (JSON with access_token, "
            "token_type and expires_in)",
            f"Check {self.settings.source('token_url')}: it must be the OAuth token URL of the "
            "deployment",
            status=response.status_code,
        )

    def _fetch_token(self) -> None:
        self.token_requests += 1
        body = self._oauth.prepare_request_body(
            include_client_id=True, client_secret=self.settings.client_secret
        )
        try:
            response = self._exchange(
                "POST",
                self.settings.token_url,
                data=dict(urldecode(body)),
                headers={
                    "Accept": "application/json",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
        except TransportError as exc:
            raise self._auth_error(
                f"could not reach the token endpoint {self.settings.token_url}: {exc.message}",
                f"Check {self.settings.source('token_url')} and the network, then run again",
            ) from None
        except UnexpectedResponse as exc:
            raise self._auth_error(
                f"the token endpoint {self.settings.token_url}: {exc.message}",
                f"Check {self.settings.source('token_url')}",
                exc,
            ) from None
        token, lifetime = self._token_from(response)
        redaction.register_secret(token)
        self._token = token
        margin = min(REFRESH_MARGIN_SECONDS, lifetime / 10)
        self._expires_at = time.monotonic() + lifetime - margin

    def _token_from(self, response: requests.Response) -> tuple[str, float]:
        """(access token, lifetime in seconds) of a token response; :class:`AuthError` for
        anything else."""
        status = response.status_code
        if 300 <= status < 400:
            raise self._auth_error(
                f"the token endpoint {self.settings.token_url} answered with a redirect (HTTP "
                f"{status} to {redirect_target(response)}); the client secret is only ever sent "
                "to the configured token URL",
                f"Set {self.settings.source('token_url')} to the token endpoint itself",
                status=status,
            )
        if status >= 500 or status == 429:
            cause = error_from_response(response)
            raise self._auth_error(
                f"could not get a token from {self.settings.token_url}: {cause.message}",
                "The token endpoint is unavailable or rate-limited: run again in a few minutes",
                cause,
            )
        if not response.content.strip():
            raise self._malformed(response, "an empty body")
        try:
            token = json.loads(response.content)
        except (ValueError, RecursionError):
            kind = response.headers.get("Content-Type", "").split(";")[0].strip() or "no type"
            raise self._malformed(response, f"a body that is not JSON ({kind})") from None
        if not isinstance(token, dict):
            raise self._malformed(response, f"a JSON {type(token).__name__}, not an object")
        if "error" in token or status >= 400:
            raise self._refused(status, token)
        access = token.get("access_token")
        if not isinstance(access, str) or not access.strip():
            raise self._malformed(response, "no access_token")
        kind = token.get("token_type", "Bearer")
        if not isinstance(kind, str) or kind.lower() != "bearer":
            raise self._malformed(response, "a token_type other than Bearer")
        lifetime = _seconds(token.get("expires_in", 3600))
        if lifetime is None:
            raise self._malformed(
                response,
                f"expires_in {str(token.get('expires_in'))[:40]!r} (it must be a positive "
                "number of seconds)",
            )
        return access, lifetime

    def _refused(self, status: int, token: dict[str, Any]) -> AuthError:
        error = str(token.get("error") or f"HTTP {status}")[:100]
        description = str(token.get("error_description") or "")[:300]
        hint = (
            f" Check the client id and secret ({self.settings.source('client_id')}, "
            f"{self.settings.source('client_secret')})."
            if error in ("invalid_client", "unauthorized_client") or status == 401
            else ""
        )
        return AuthError(
            f"the token endpoint {self.settings.token_url} refused the credentials of client "
            f"{self.settings.client_id!r}: {error}"
            f"{': ' + description if description else ''}.{hint}",
            status=status,
            code="OAUTH_ERROR",
        )

    def ensure_token(self, *, force: bool = False, stale: str | None = None) -> None:
        """Fetch a token if there is none, it is about to expire, or ``force`` is set.

        ``stale`` is the token a caller saw rejected: only that one is replaced, so that
        threads hit by the same 401 fetch one new token between them, not one each.
        """
        with self._token_lock, self._within_budget():
            current = self.access_token
            if force and stale is not None and current != stale:
                return
            if force or not current or time.monotonic() >= self._expires_at:
                self._fetch_token()

    # -- requests ------------------------------------------------------------------------
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
            response = self._exchange(
                method,
                url,
                json=json,
                params=params,
                headers={"Authorization": f"Bearer {token}"},
            )
            if response.status_code == 401 and attempt == 1:
                self.ensure_token(force=True, stale=token)
                continue
            if 300 <= response.status_code < 400:
                raise UnexpectedResponse(
                    f"a redirect to {redirect_target(response)}; redirects are not followed. "
                    f"Check {self.settings.source('base_url')} and "
                    f"{self.settings.source('api_prefix')}",
                    status=response.status_code,
                    method=method,
                    path=_path(url),
                )
            if response.status_code >= 400:
                raise error_from_response(response)
            return response
        raise AssertionError("unreachable")  # pragma: no cover


def _seconds(value: Any) -> float | None:
    """A token lifetime: a positive, finite number of seconds (a decimal string counts)."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if 0 < value < math.inf else None
