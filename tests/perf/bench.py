"""Helpers of the benchmarks: the emulator's client settings, counters, the results list."""

from __future__ import annotations

import statistics
from typing import Any

from pulumi_zarr.api.client import ZarrClient
from pulumi_zarr.api.settings import Settings
from pulumi_zarr.emulator.server import Emulator

CLIENT, SECRET = "perf", "perf-secret"
CRS = "http://www.opengis.net/def/crs/EPSG/0/4326"
RESULTS: list[tuple[str, str, str]] = []


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
