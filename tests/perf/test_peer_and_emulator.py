"""Listing 1,000 arrays: our client against sentinelhub-py's ``SentinelHubFeatureIterator`` on
the same endpoint; and the emulator's own costs (ingesting a 1,000-array store, GET throughput),
which must never be what the other benchmarks measure.

Run on demand: `pytest tests/perf -s`. Figures are printed (table at the end), not asserted.
"""

from __future__ import annotations

import time
from typing import Any

from bench import CLIENT, SECRET, client_for, figure, median
from harness.measure import p99
from sentinelhub import SHConfig
from sentinelhub.api.base import SentinelHubFeatureIterator
from sentinelhub.download.sentinelhub_client import SentinelHubDownloadClient
from sentinelhub.download.session import SentinelHubSession

from pulumi_zarr.api.models import CollectionCreate, Status
from pulumi_zarr.collection.polling import wait_until_final

CRS = "http://www.opengis.net/def/crs/EPSG/0/4326"
RUNS = 5


def ingest(emu: Any, client: Any, path: str) -> tuple[str, float]:
    """Create a collection of ``path``; (id, seconds the emulator took to compute it)."""
    spec = CollectionCreate(name=path, s3_bucket="cubes", path=path, crs=CRS)
    collection = wait_until_final(client, client.create(spec), 120)
    assert collection.status is Status.INGESTED, collection.ingestion_errors
    timeline = emu.control.timeline(collection.id)
    return collection.id, timeline["computedAt"] - timeline["startedAt"]


def test_list_1000_arrays_against_sentinelhub_py(emulator_for):
    emu = emulator_for(0.0)
    ours = client_for(emu)
    for path in ("wide.zarr/", "wide-consolidated.zarr/"):
        collection_id, took = ingest(emu, ours, path)
        figure(
            f"emulator: ingest 1,000-array store ({'consolidated' if 'cons' in path else 'plain'})",
            "—",
            f"{took:.2f} s",
        )
    config = SHConfig(
        sh_client_id=CLIENT,
        sh_client_secret=SECRET,
        sh_base_url=emu.url,
        sh_token_url=emu.token_url,
    )
    peer = SentinelHubDownloadClient(config=config, session=SentinelHubSession(config))
    url = f"{ours.settings.api_url}/collections/{collection_id}/arrays"

    def list_ours() -> int:
        return sum(1 for _ in ours.list_arrays(collection_id))

    def list_peer() -> int:
        return sum(1 for _ in SentinelHubFeatureIterator(peer, url, {"count": 100}))

    assert list_ours() == list_peer() == 1000  # also warms both (tokens, connections)
    times: dict[str, list[float]] = {"ours": [], "peer": []}
    for _ in range(RUNS):  # interleaved, so both see the same machine state
        for name, run in (("ours", list_ours), ("peer", list_peer)):
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    a, b = median(times["ours"]), median(times["peer"])
    figure(
        f"list 1,000 arrays (10 pages): ours / SentinelHubFeatureIterator, median of {RUNS}",
        "≤ 1",
        f"{a / b:.2f} ({a * 1000:.0f} ms / {b * 1000:.0f} ms)",
    )
    ours.close()


def test_emulator_get_collection_throughput(emulator_for):
    emu = emulator_for(0.0)
    client = client_for(emu)
    collection_id, _ = ingest(emu, client, "small.zarr/")
    latencies = []
    started = time.perf_counter()
    for _ in range(1000):
        begun = time.perf_counter()
        client.get(collection_id)
        latencies.append(time.perf_counter() - begun)
    wall = time.perf_counter() - started
    figure(
        "emulator: GET collection from one client (1,000 sequential)",
        "never the bottleneck",
        f"{1000 / wall:.0f} req/s, p99 {p99(latencies) * 1000:.1f} ms",
    )
    client.close()
