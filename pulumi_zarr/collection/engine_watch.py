"""Whether the Pulumi engine this provider process serves is still there.

When the ``pulumi`` command dies (``kill -9``), nothing else stops its provider process, and a
create in flight would go on to delete, on an error, a collection no state records the DELETE
of. :func:`watch` ends the process soon after; create asks :func:`engine_gone` first.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Sequence
from typing import Any

#: How often the watch asks, and how many answers "gone" in a row end the process.
CHECK_SECONDS = 1.0
GONE_ANSWERS = 2
#: How long the engine may take to answer one health check (no answer counts as there).
ANSWER_SECONDS = 5.0
_HEALTH_CHECK = "/grpc.health.v1.Health/Check"
_ADDRESS = re.compile(r"^[\w.\-\[\]:]+:\d+$")


class Engine:
    """The engine at ``address`` (``host:port``) that started this process."""

    def __init__(self, address: str) -> None:
        import grpc

        self.parent = os.getppid()
        self._channel = grpc.insecure_channel(address)
        # no serializers: an empty HealthCheckRequest is b"", and the answer is not read
        self._check: Any = self._channel.unary_unary(_HEALTH_CHECK)

    def gone(self) -> bool:
        if os.getppid() != self.parent:
            return True
        import grpc

        try:
            self._check(b"", timeout=ANSWER_SECONDS)
        except grpc.RpcError as exc:
            return exc.code() is grpc.StatusCode.UNAVAILABLE
        return False


_engine: Engine | None = None
_lock = threading.Lock()


def address_in(args: Sequence[str]) -> str | None:
    """The engine's address among a plugin's arguments: the last one (after any flags)."""
    return args[-1] if args and _ADDRESS.match(args[-1]) else None


def watch(address: str | None) -> None:
    """From now on, end this process once the engine at ``address`` is gone (once per
    process; None: no engine, nothing to watch)."""
    global _engine
    with _lock:
        if _engine is not None or not address:
            return
        _engine = engine = Engine(address)
    threading.Thread(
        target=_end_when_gone, args=(engine,), name="engine-watch", daemon=True
    ).start()


def _end_when_gone(engine: Engine) -> None:
    answers = 0
    while answers < GONE_ANSWERS:
        time.sleep(CHECK_SECONDS)
        answers = answers + 1 if engine.gone() else 0
    # no engine will call again or record anything: stop now, whatever runs (threads blocked
    # in HTTP or polling would keep an orderly exit waiting)
    os._exit(1)


def engine_gone() -> bool:
    """Whether the engine this process serves is gone (False when no engine is watched): this
    process was re-parented (its parent died), or the engine's address refuses connections,
    asked through the gRPC health service as Pulumi's own providers do (an answer
    "unimplemented" counts as there). Nothing is watched in a process no engine started."""
    return _engine is not None and _engine.gone()
