"""Outermost ASGI middleware: counts requests per route template and injects faults."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, NamedTuple

from starlette.routing import compile_path

from .control import ADMIN_PREFIX, BODY_PLACEHOLDERS, Control, FaultRule
from .errors import error_bytes

log = logging.getLogger(__name__)


class FaultMiddleware:
    """Pure ASGI middleware; wrap the whole app with it (it must be the outermost layer)."""

    def __init__(
        self, app: Any, control: Control, templates: list[tuple[str, set[str]]] | None = None
    ) -> None:
        """``templates``: (path template, methods) of the routes to count requests by."""
        self.app, self.control = app, control
        self.templates = [
            (compile_path(path)[0], path, methods) for path, methods in templates or []
        ]

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        self.control.count_request(f"{method} {self._template(scope)}", f"{method} {scope['path']}")
        rule = self.control.match_fault(method, scope["path"])
        if rule is None:
            await self.app(scope, receive, send)
            return
        await self._apply(rule, scope, receive, send)

    def _template(self, scope: dict) -> str:
        partial = None
        for regex, path, methods in self.templates:
            if regex.match(scope["path"]):
                if scope["method"] in methods:
                    return path
                partial = partial or path
        return partial or "(unmatched)"

    async def _apply(self, rule: FaultRule, scope: dict, receive: Any, send: Any) -> None:
        # The service has the whole request before anything else happens: a client that gives
        # up meanwhile does not undo it (as with a real server, the side effect happens).
        receive, request_body = await _buffered(receive)
        if rule.delay:
            await asyncio.sleep(rule.delay)
        if rule.reroute:
            scope = {**scope, "path": rule.reroute, "raw_path": rule.reroute.encode()}
        if rule.drop == "before":
            await _drop(send)
            return
        if rule.drop == "after":
            await self.app(scope, receive, _swallow)
            await _drop(send)
            return
        if rule.answers:
            if rule.handle:
                await self.app(scope, receive, _swallow)
            status, headers, body = _answer(rule, scope, request_body)
        elif rule.drip:
            status, headers, body = await _captured(self.app, scope, receive)
        else:  # delay or reroute only
            await self.app(scope, receive, send)
            return
        await _send(send, status, headers, body, rule)


async def _swallow(message: dict) -> None:
    return None


class _Answer(NamedTuple):
    status: int
    headers: list
    body: bytes


class _Buffered(NamedTuple):
    receive: Any
    body: bytes


def _answer(rule: FaultRule, scope: dict, request_body: bytes) -> _Answer:
    """The fault's own answer: its status, headers and body (placeholders filled in)."""
    status = rule.status or 200
    if rule.body is None:
        body = error_bytes(status, f"injected fault (HTTP {status})")
    else:
        request_headers = dict(scope.get("headers") or [])
        text = rule.body
        for placeholder, value in zip(
            BODY_PLACEHOLDERS,
            (
                request_headers.get(b"authorization", b"").decode(errors="replace"),
                request_body.decode(errors="replace"),
                str(rule.applied),
            ),
            strict=True,
        ):
            text = text.replace(placeholder, value)
        body = text.encode()
    headers = {"content-type": "application/json"}
    if rule.retry_after_ms is not None:
        headers["retry-after"] = str(int(rule.retry_after_ms))
    headers.update({k.lower(): v for k, v in (rule.headers or {}).items()})
    return _Answer(status, [(k.encode(), v.encode()) for k, v in headers.items()], body)


async def _captured(app: Any, scope: dict, receive: Any) -> _Answer:
    """The service's own answer, held back (to be dripped)."""
    start: dict = {}
    chunks: list[bytes] = []

    async def capture(message: dict) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, capture)
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    return _Answer(start.get("status", 500), headers, b"".join(chunks))


async def _send(send: Any, status: int, headers: list, body: bytes, rule: FaultRule) -> None:
    """Send an answer: ``repeat`` times the body (then without Content-Length), each byte
    ``drip`` seconds apart; stop when the client is gone."""
    if rule.repeat == 1:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    if rule.repeat == 1 and not rule.drip:
        await send({"type": "http.response.body", "body": body})
        return
    step = 1 if rule.drip else max(len(body), 1)
    for _ in range(rule.repeat):
        for i in range(0, len(body), step):
            if getattr(getattr(send, "__self__", None), "disconnected", False):
                return
            piece = body[i : i + step]
            await send({"type": "http.response.body", "body": piece, "more_body": True})
            # yield, so that a closed connection is noticed (send returns at once on one)
            await asyncio.sleep(rule.drip or 0)
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _buffered(receive: Any) -> _Buffered:
    """Read the request body now: a ``receive`` that replays it, then defers to the real one;
    and the body."""
    messages = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body"):
            break

    async def replay() -> dict:
        return messages.pop(0) if messages else await receive()

    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
    return _Buffered(replay, body)


async def _drop(send: Any) -> None:
    """Close the client connection without a response (uvicorn: the cycle's transport)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise RuntimeError("cannot drop the connection: no transport behind this server's send")
    transport.close()
    await asyncio.sleep(0.01)  # let connection_lost mark the cycle disconnected
