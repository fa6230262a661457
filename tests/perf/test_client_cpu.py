"""The CPU our client and core spend per resource call, beside the floor of the same HTTP
requests sent bare (issue 17), on demand (``pytest tests/perf -s``).

The emulator runs in its own process, so this process's CPU is the client's alone, without the
engine, the SDK's host or gRPC. ``PERF_CLIENT_COUNT`` collections (default 300) go through the
calls both providers make (:class:`~pulumi_zarr.collection.calls.Operations`): check then create
(not waiting for the ingestion), read (the state of the create: GET and array page), read again
(the state that read wrote: one GET), delete. The floor: as many requests as the emulator
counted for each step, each a GET of one collection through a plain ``requests.Session`` with
the token in a header. Reported, never asserted.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from bench import CLIENT, CRS, SECRET, figure
from harness.api import ZarrApi

from pulumi_zarr.collection.calls import Operations
from pulumi_zarr.emulator.server import EmulatorProcess

COUNT = int(os.environ.get("PERF_CLIENT_COUNT", "300"))
INGEST_DELAY = 0.3


def cpu_ms_each(step: Callable[[int], object], count: int) -> float:
    started = time.process_time()
    for i in range(count):
        step(i)
    return 1000 * (time.process_time() - started) / count


def test_client_cpu_per_call_beside_bare_requests(buckets: Path) -> None:
    emu = EmulatorProcess(
        buckets,
        clients={CLIENT: SECRET},
        ingest_delay=INGEST_DELAY,
        extra_args=["--log-level", "error"],
    ).start()
    try:
        config = {
            "sentinelhub:clientId": CLIENT,
            "sentinelhub:clientSecret": SECRET,
            "sentinelhub:baseUrl": emu.url,
        }
        ops = Operations(config, lambda _message: None)
        news = {"s3_bucket": "cubes", "path": "small.zarr/", "crs": CRS}
        news["wait_for_ingestion"] = False
        warm = ops.check({**news, "name": "warm-up"}).inputs
        made = [ops.create(warm)]
        ops.read(made[0].id, made[0].outputs)
        requests_per: dict[str, float] = {}

        def counted(name: str, step: Callable[[int], object]) -> float:
            emu.control.reset_stats()
            ms = cpu_ms_each(step, COUNT)
            requests_per[name] = sum(emu.control.stats()["requests"].values()) / COUNT
            return ms

        def create(i: int) -> None:
            checked = ops.check({**news, "name": f"cpu {i}"})
            assert not checked.failures, checked.failures
            made.append(ops.create(checked.inputs))

        read: list[dict[str, object]] = []

        def read_created(i: int) -> None:
            found = ops.read(made[i].id, made[i].outputs)
            assert found is not None
            read.append(found.outputs)

        ours = {"check + create": counted("check + create", create)}
        # a plain requests.Session with the token in a header: the floor's client too
        api = ZarrApi(emu.url, emu.token_url, CLIENT, SECRET)
        for collection in made:  # every one ingested: its read lists the arrays
            api.wait_final(collection.id)
        ours |= {
            "read": counted("read", read_created),
            "read again": counted("read again", lambda i: ops.read(made[i].id, read[i])),
            "delete": counted("delete", lambda i: ops.delete(made[i].id, made[i].outputs)),
        }
        bare = api.session
        one = f"{api.url}/{made[-1].id}"
        bare.get(one, timeout=10).raise_for_status()
        floor = cpu_ms_each(lambda _i: bare.get(one, timeout=10).raise_for_status(), COUNT)
        api.close()
    finally:
        emu.stop()
    print(f"\n| call | requests each | client CPU ms each | floor ms each | ratio | (N = {COUNT})")
    print("|---|---|---|---|---|")
    for name, ms in ours.items():
        base = requests_per[name] * floor
        print(f"| {name} | {requests_per[name]:.1f} | {ms:.2f} | {base:.2f} | {ms / base:.2f} |")
    print(f"bare GET through requests.Session: {floor:.2f} ms CPU each")
    for name, ms in ours.items():
        figure(
            f"client CPU per {name} (in process, emulator apart)",
            "ratio to bare requests",
            f"{ms:.2f} ms, {ms / (requests_per[name] * floor):.2f}x the floor",
        )
