"""The plugin's gRPC server: the SDK's experimental ``ProviderServicer``, with our errors
reported as their message.

The SDK's servicer turns every exception into ``"<message>:\\n<Python stack>"``, which the CLI
prints as it is. A :class:`~pulumi_zarr.errors.PulumiZarrError` is a message for the user (what
is wrong, what was done, what to do), so its call ends with that message alone; any other
exception is a bug and keeps its stack.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2_grpc

from ..collection import engine_watch
from ..errors import PulumiZarrError
from .engine_log import EngineLog
from .provider import NativeProvider

#: The calls whose errors the SDK reports with a stack.
RESOURCE_CALLS = (
    "GetSchema", "CheckConfig", "DiffConfig", "Configure",
    "Check", "Diff", "Create", "Read", "Update", "Delete", "Invoke",
)  # fmt: skip

Handler = Callable[[Any, Any, Any], Awaitable[Any]]


def _message_only(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def call(servicer: Any, request: Any, context: Any) -> Any:
        try:
            return await handler(servicer, request, context)
        except Exception as exc:
            # the SDK re-raises a plain Exception from inside its handler: ours is the context
            cause = exc if isinstance(exc, PulumiZarrError) else exc.__context__
            if isinstance(cause, PulumiZarrError):
                await context.abort(grpc.StatusCode.UNKNOWN, str(cause))
            raise

    return call


class Servicer(ProviderServicer):
    """The SDK's servicer; a :class:`PulumiZarrError` ends a call with its message alone."""


for _name in RESOURCE_CALLS:
    setattr(Servicer, _name, _message_only(getattr(ProviderServicer, _name)))


def serve(args: list[str], version: str) -> None:
    """Serve the plugin for the engine whose address is the first of ``args``: print the
    port on stdout (nothing may be printed before it), then answer until stopped."""
    parser = argparse.ArgumentParser(prog="pulumi-resource-sentinelhub")
    parser.add_argument("engine", help="the Pulumi engine's address")
    known, _ = parser.parse_known_args(args)  # --logflow, --logtostderr, …: not used
    engine_watch.watch(known.engine)  # the process ends when its engine is gone

    async def run() -> None:
        server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
        provider = NativeProvider(log=EngineLog(known.engine))
        servicer = Servicer(args, version, provider, engine_address=known.engine)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        sys.stdout.write(f"{port}\n")
        sys.stdout.flush()
        await server.wait_for_termination()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
