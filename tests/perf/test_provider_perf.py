"""The provider against the emulator: tokens, requests per create, polling overshoot, a
parallel `up` of 50 collections through the real dynamic provider host, and a refresh.

Run on demand: `pytest tests/perf -s`. Figures are printed (table at the end), not asserted.
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench import client_for, count_connections, figure, inputs, sh_config

from pulumi_zarr.api.client import ZarrClient
from pulumi_zarr.api.models import Collection
from pulumi_zarr.collection import lifecycle
from pulumi_zarr.collection.spec import ZarrCollectionInputs
from pulumi_zarr.testing.engine import ProviderHost

N = 50
HOST_WORKERS = 4  # the dynamic provider host serves 4 calls at once


class PollLog(ZarrClient):
    """A client that notes when it polls a collection."""

    polls: list[float]

    def get(self, collection_id: str) -> Collection:
        self.polls.append(time.time())
        return super().get(collection_id)


def one_create(emulator_for: Any, seconds: float, out: dict[float, dict[str, float]]) -> None:
    emu = emulator_for(seconds)
    client = client_for(emu)
    client.__class__ = PollLog
    client.polls = []  # type: ignore[attr-defined]
    client.http.ensure_token()
    emu.control.reset_stats()
    spec = ZarrCollectionInputs.model_validate(inputs(f"poll-{seconds:g}"))
    collection_id, _ = lifecycle.create(client, spec)
    returned = time.time()
    timeline = emu.control.timeline(collection_id)
    assert timeline is not None and timeline["finalAt"] is not None
    polls: list[float] = client.polls  # type: ignore[attr-defined]
    requests = emu.control.stats()["requests"]
    out[seconds] = {
        "overshoot": returned - timeline["finalAt"],
        "requests": sum(requests.values()),
        "polls": len(polls),
        "steady": sum(1 for t in polls if t >= returned - 10) / 10,
    }
    client.close()


def test_requests_per_create_and_polling_overshoot(emulator_for):
    out: dict[float, dict[str, float]] = {}
    runs = [threading.Thread(target=one_create, args=(emulator_for, s, out)) for s in (2.0, 30.0)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    for seconds, got in sorted(out.items()):
        # 1 POST + polls + 1 array page (2 arrays) + 1 search before the POST (lost-answer guard)
        bound = 1 + got["polls"] + 1 + 2
        figure(
            f"requests per create, {seconds:g} s ingestion (polls {got['polls']:.0f})",
            f"≤ 1 POST + polls + 1 page + 2 = {bound:.0f}",
            f"{got['requests']:.0f}",
        )
        figure(
            f"poll overshoot past finalAt, {seconds:g} s ingestion",
            f"≤ 10 % = {seconds / 10:.2f} s",
            f"{got['overshoot']:.3f} s ({100 * got['overshoot'] / seconds:.1f} %)",
        )
    figure("polls/s over the last 10 s of the 30 s ingestion", "≤ ~1", f"{out[30.0]['steady']:.1f}")


def test_parallel_up_tokens_and_refresh(emulator_for):
    emu = emulator_for(2.0)
    connections = count_connections(emu)
    with ProviderHost() as host, ThreadPoolExecutor(HOST_WORKERS) as pool:
        host.configure(sh_config(emu))
        checked = [host.check({}, inputs(f"up-{i:02d}"))[0] for i in range(N)]
        emu.control.reset_stats()
        started = time.monotonic()
        created = list(pool.map(host.create, checked))
        wall = time.monotonic() - started
        stats = emu.control.stats()
        floor = math.ceil(N / HOST_WORKERS) * 2.0
        figure(
            f"parallel up: {N} x 2 s ingestion via the host, wall / (⌈{N}/4⌉ x 2 s)",
            "≤ 1.15",
            f"{wall / floor:.3f} ({wall:.1f} s / {floor:.0f} s)",
        )
        tokens = sum(stats["token_requests"].values())
        figure(f"token requests, whole up of {N} (1 host process, 1 credential)", "1", f"{tokens}")
        figure(
            f"requests, whole up of {N}",
            "—",
            f"{sum(stats['requests'].values())} ({sum(stats['requests'].values()) / N:.1f}/create)",
        )
        figure(
            "TCP connections during the up (idle ones expire after uvicorn's 5 s)",
            "reused: ≪ requests",
            f"{len(connections.peers)}",
        )

        assert all(outs["status"] == "INGESTED" for _, outs in created)
        connections.peers.clear()
        emu.control.reset_stats()
        started = time.monotonic()
        read = list(pool.map(lambda made: host.read(made[0], made[1]), created))
        wall = time.monotonic() - started
        assert all(id_ for id_, _, _ in read)
        requests = sum(emu.control.stats()["requests"].values())
        figure(
            f"refresh of {N}: requests",
            f"{N} (one GET each: same bands, same arrays)",
            f"{requests}",
        )
        figure(f"refresh of {N}: wall", "—", f"{wall:.2f} s ({N / wall:.0f} reads/s)")
        figure(
            f"refresh of {N}: TCP connections",
            f"≤ {HOST_WORKERS} (keep-alive)",
            f"{len(connections.peers)}",
        )
        tokens = sum(emu.control.stats()["token_requests"].values())
        figure("token requests during the refresh", "0 (token reused)", f"{tokens}")
