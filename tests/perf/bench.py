"""Helpers of the benchmarks: the emulator's client settings, counters, the results list, the
stacks of tests/perf/scale_program."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from pulumi_zarr.api.client import ZarrClient
from pulumi_zarr.api.settings import Settings
from pulumi_zarr.emulator.server import Emulator
from pulumi_zarr.testing.cli import Stack, native_plugins

CLIENT, SECRET = "perf", "perf-secret"
CRS = "http://www.opengis.net/def/crs/EPSG/0/4326"
RESULTS: list[tuple[str, str, str]] = []
SCALE_PROGRAM = Path(__file__).resolve().parent / "scale_program"


def scale_stack(
    cli: str,
    root: Path,
    python: Path,
    kind: str,
    count: int,
    *,
    env: dict[str, str] | None = None,
    config: dict[str, Any] | None = None,
    secrets: dict[str, str] | None = None,
) -> Stack:
    """An initialised stack of tests/perf/scale_program: ``count`` resources of ``kind`` (see
    its docstring), the program run by ``python``; ``config`` adds to the program's own."""
    stack = Stack(
        cli,
        root,
        SCALE_PROGRAM,
        project="zarr-scale",
        env={"PULUMI_PYTHON_CMD": str(python), **(env or {})},
        plugins=native_plugins() if kind == "native" else None,
    )
    store = {"s3_bucket": "cubes", "path": "small.zarr/"}
    own = {"zarr-scale:kind": kind, "zarr-scale:count": str(count), "zarr-scale:store": store}
    return stack.init({**own, **(config or {})}, secrets)


def figure(name: str, target: str, measured: str) -> None:
    RESULTS.append((name, target, measured))
    print(f"\n{name}: {measured} (target {target})")


def median(values: list[float]) -> float:
    return statistics.median(values)


class ConnectionCounter:
    """ASGI wrapper: the distinct client (host, port) pairs seen, i.e. TCP connections."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.peers: set[tuple[str, int]] = set()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("client"):
            self.peers.add(tuple(scope["client"]))  # type: ignore[arg-type]
        await self.app(scope, receive, send)


def count_connections(emu: Emulator) -> ConnectionCounter:
    assert emu.app is not None
    counter = ConnectionCounter(emu.app.asgi)
    emu.app.asgi = counter
    return counter


def settings_for(emu: Emulator) -> Settings:
    return Settings.resolve(sh_config(emu), {})


def client_for(emu: Emulator) -> ZarrClient:
    return ZarrClient(settings_for(emu))


def sh_config(emu: Emulator) -> dict[str, str]:
    return {
        "sentinelhub:clientId": CLIENT,
        "sentinelhub:clientSecret": SECRET,
        "sentinelhub:baseUrl": emu.url,
    }


def inputs(name: str, path: str = "small.zarr/", **more: Any) -> dict[str, Any]:
    return {"name": name, "s3_bucket": "cubes", "path": path, "crs": CRS, **more}
