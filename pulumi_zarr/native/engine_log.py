"""The engine's log, as the native plugin writes to it (:class:`EngineLog`).

A plugin's own stdout and stderr reach the CLI only with ``--debug``, so the plugin sends its
lines to the engine's ``Log`` service, attached to the resource of the call being served
(:data:`current_urn`), so the CLI shows them on that resource's row.
"""

from __future__ import annotations

import threading
from contextvars import ContextVar
from enum import Enum
from typing import Any

from ..collection.progress import to_stderr

#: The URN of the resource whose call is being served ("" outside a resource call).
current_urn: ContextVar[str] = ContextVar("current_urn", default="")

#: How long one log line may take to reach the engine.
LOG_TIMEOUT_SECONDS = 10.0


class Severity(Enum):
    """The severities the plugin logs with, as ``engine_pb2`` names them."""

    INFO = "INFO"
    WARNING = "WARNING"


class EngineLog:
    """Lines to the engine at ``address`` (``host:port``; None: stderr only).

    Progress while an ingestion runs is a *status* line (``ephemeral``): shown live on the row
    (and, in a non-interactive log, printed each time it changes), not repeated in the
    Diagnostics at the end. A warning, or a line of the HTTP debug switch
    (``PULUMI_ZARR_DEBUG_HTTP``), is kept and listed in the Diagnostics under the resource.
    Without an engine (or when it does not answer) a line goes to stderr instead, and when
    stderr cannot take it either (its reader died with the CLI), the line is lost: a log line
    never fails an operation.
    """

    def __init__(self, address: str | None) -> None:
        self.address = address
        self._stub: Any = None
        self._lock = threading.Lock()

    def _engine(self) -> Any:
        with self._lock:
            if self._stub is None and self.address:
                import grpc
                from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
                from pulumi.runtime.proto import engine_pb2_grpc

                channel = grpc.insecure_channel(self.address, options=_GRPC_CHANNEL_OPTIONS)
                self._stub = engine_pb2_grpc.EngineStub(channel)
            return self._stub

    def write(self, severity: Severity, message: str, *, ephemeral: bool = False) -> None:
        """Send one line about the current resource; on stderr when the engine cannot take it."""
        engine = self._engine()
        if engine is not None:
            import grpc
            from pulumi.runtime.proto import engine_pb2

            request = engine_pb2.LogRequest(
                severity=getattr(engine_pb2, severity.value),
                message=message,
                urn=current_urn.get(),
                ephemeral=ephemeral,
            )
            try:
                engine.Log(request, timeout=LOG_TIMEOUT_SECONDS)
                return
            except grpc.RpcError:
                pass
        to_stderr(f"{severity.value.lower()}: {message}")

    def status(self, message: str) -> None:
        """Progress: shown on the resource's row while it lasts."""
        self.write(Severity.INFO, message, ephemeral=True)

    def info(self, message: str) -> None:
        """A line kept under the resource (the HTTP debug switch's)."""
        self.write(Severity.INFO, message)

    def warn(self, message: str) -> None:
        """A warning, kept under the resource."""
        self.write(Severity.WARNING, message)
