"""One HTTP exchange that ends in time and reads a bounded answer, and what an answer means.

Every request runs under its operation's :func:`deadline`: a watchdog shuts the socket in flight
when it passes, so an answer dripped a byte at a time cannot outlast it. Bodies are read up to
:data:`MAX_RESPONSE_BYTES`, redirects are never followed, "no answer" is the
:class:`~pulumi_zarr.errors.TransportError` that says whether the request may have taken effect,
and an error answer becomes its typed exception (:func:`error_from_response`).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from ..errors import (
    AnswerTooLarge,
    RequestMayHaveBeenApplied,
    RequestNotSent,
    RequestTimedOut,
    TransportError,
    ZarrApiError,
    error_class_for,
)
from . import redaction
from .models import ErrorBody

# the name users see in PULUMI_ZARR_DEBUG_HTTP lines ("debug: pulumi_zarr.transport: POST …")
log = logging.getLogger("pulumi_zarr.transport")

#: The largest answer read. Bodies are streamed and reading stops here, so a hostile answer
#: cannot take memory without bound; a listing whose page is larger asks for smaller pages
#: (:meth:`~pulumi_zarr.api.client.ZarrClient.list_collections`).
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
_CHUNK_BYTES = 64 * 1024


class Deadline:
    """When an operation must end. A watchdog shuts the socket of the request in flight when it
    passes, so an answer dripped a byte at a time cannot stretch the operation: the per-read
    timeout alone would wait for every byte anew."""

    def __init__(self, at: float) -> None:
        self.at = at
        self._expired = False
        self.cancelled = False
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        _WATCHDOG.add(self)

    @property
    def expired(self) -> bool:
        """Whether the time is up (the watchdog may not have run yet: the clock decides)."""
        return self._expired or time.monotonic() >= self.at

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
        self.cancelled = True

    def expire(self) -> None:
        with self._lock:
            self._expired = True
            _shut(self._sock)


class _Watchdog:
    """One thread that expires each :class:`Deadline` when its time comes. (A ``Timer`` per
    deadline started a thread per operation: most of the client's CPU after the HTTP itself.)"""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._due: list[tuple[float, int, Deadline]] = []  # a heap: the soonest first
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, guard: Deadline) -> None:
        with self._wake:
            heapq.heappush(self._due, (guard.at, next(self._order), guard))
            if self._thread is None or not self._thread.is_alive():  # first use, or a fork
                self._thread = threading.Thread(
                    target=self._run, name="pulumi-zarr-deadlines", daemon=True
                )
                self._thread.start()
            elif self._due[0][2] is guard:
                self._wake.notify()

    def _run(self) -> None:
        with self._wake:
            while True:
                now = time.monotonic()
                while self._due and (self._due[0][0] <= now or self._due[0][2].cancelled):
                    guard = heapq.heappop(self._due)[2]
                    if not guard.cancelled:
                        guard.expire()
                self._wake.wait(self._due[0][0] - now if self._due else None)


_WATCHDOG = _Watchdog()


def _shut(sock: socket.socket | None) -> None:
    if sock is not None:
        with suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


_deadline: ContextVar[Deadline | None] = ContextVar("pulumi_zarr_deadline", default=None)


def current() -> Deadline | None:
    """The deadline of the requests this thread makes now, if any."""
    return _deadline.get()


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


def within_deadline(seconds: float) -> float:
    """``seconds``, or less if the current deadline comes sooner."""
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


class WatchedAdapter(HTTPAdapter):
    """An adapter whose connections (direct or through a proxy) obey the deadline."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **kwargs)
        if hasattr(manager, "pool_classes_by_scheme"):
            manager.pool_classes_by_scheme = _POOLS
        return manager


def url_path(url: str | None) -> str | None:
    """The path of ``url``, as messages and log lines show it (never the query)."""
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
        path=url_path(response.url),
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
            path=url_path(response.url),
        )
    response._content = b"".join(chunks)
    response._content_consumed = True


def exchange(
    send: Callable[..., requests.Response], method: str, url: str, **kwargs: Any
) -> requests.Response:
    """``send(method, url, **kwargs)`` as one HTTP exchange (urllib3 retries included) under the
    current deadline, never following a redirect, the body read within
    :data:`MAX_RESPONSE_BYTES`; no answer raises a :class:`TransportError`."""
    guard = _deadline.get()
    assert guard is not None, "requests are made under a deadline"
    path = url_path(url)
    if guard.expired:
        raise RequestNotSent(
            "not sent: the operation ran out of time before it", method=method, path=path
        )
    started = time.monotonic()
    failure: requests.RequestException | None = None
    response: requests.Response | None = None
    try:
        response = send(method, url, allow_redirects=False, stream=True, **kwargs)
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
