"""Outermost ASGI middleware: counts requests per route template and injects faults."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.routing import compile_path

from .control import ADMIN_PREFIX, Control, FaultRule
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
        if rule.delay:
            # The service has the whole request before it is slow: a client that gives up
            # meanwhile does not undo it (as with a real server, the side effect happens).
            receive = await _buffered(receive)
            await asyncio.sleep(rule.delay)
        if rule.drop == "before":
            await _drop(send)
            return
        if rule.drop == "after":

            async def swallow(message: dict) -> None:
                return None

            await self.app(scope, receive, swallow)
            await _drop(send)
            return
        if rule.status is None:  # delay only
            await self.app(scope, receive, send)
            return
        body = error_bytes(rule.status, f"injected fault (HTTP {rule.status})")
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        if rule.retry_after_ms is not None:
            headers.append((b"retry-after", str(int(rule.retry_after_ms)).encode()))
        await send({"type": "http.response.start", "status": rule.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def _buffered(receive: Any) -> Any:
    """Read the request body now; a ``receive`` that replays it, then defers to the real one."""
    messages = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body"):
            break

    async def replay() -> dict:
        return messages.pop(0) if messages else await receive()

    return replay


async def _drop(send: Any) -> None:
    """Close the client connection without a response (uvicorn: the cycle's transport)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise RuntimeError("cannot drop the connection: no transport behind this server's send")
    transport.close()
    await asyncio.sleep(0.01)  # let connection_lost mark the cycle disconnected
