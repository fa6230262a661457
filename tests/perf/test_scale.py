"""Scale through the real CLI, on demand: one program with 1,200 ZarrCollections goes up and is
destroyed, with its figures reported (never asserted).

Before ZarrCollection's guard, the SDK's serialize_provider raised RecursionError near 960
dynamic resources in one program; tests/unit/test_many_resources.py proves the guard in the
suite, in process.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from bench import CLIENT, SECRET, figure
from harness.api import ZarrApi
from harness.measure import unique

from pulumi_zarr.testing.cli import Stack

#: The real-CLI journeys' program (its ``many`` config adds N collections).
PROGRAM = Path(__file__).resolve().parents[1] / "e2e" / "program"
COUNT = int(os.environ.get("PERF_SCALE_COUNT", "1200"))


@pytest.mark.timeout(900)
def test_twelve_hundred_collections_go_up_and_are_destroyed(emulator_for, tmp_path):
    cli = shutil.which("pulumi")
    if cli is None:
        pytest.skip("no pulumi CLI on PATH: `bash scripts/pulumi-cli.sh` builds it")
    emu = emulator_for(0.3)
    api = ZarrApi(emu.url, emu.token_url, CLIENT, SECRET)
    prefix = unique("scale")
    # The file backend rewrites the whole state after every step (quadratic in the stack's
    # size: 300 collections took 24 s, 1,200 over 5 min); skipping the intermediate
    # checkpoints is the engine's setting for large stacks.
    env = {"PULUMI_SKIP_CHECKPOINTS": "true"}
    stack = Stack(cli, tmp_path, PROGRAM, project="zarr-scale", env=env)
    many = {"count": COUNT, "s3_bucket": "cubes", "path": "small.zarr/", "prefix": prefix}
    stack.init(
        {"sentinelhub:baseUrl": emu.url, "sentinelhub:clientId": CLIENT, "zarr-scale:many": many},
        {"sentinelhub:clientSecret": SECRET},
    )
    started = time.monotonic()
    shown = stack.up("--parallel", "16").stdout
    up_seconds = time.monotonic() - started
    # the collections, the stack, and the dynamic collections' own pulumi-python provider
    assert f"+ {COUNT + 2} created" in shown, shown[-2000:]
    assert stack.outputs()["many_ids"] == COUNT
    held = [c for c in api.list(search=prefix) if c["name"].startswith(prefix + " ")]
    assert len(held) == COUNT and len({c["id"] for c in held}) == COUNT

    started = time.monotonic()
    shown = stack.destroy("--parallel", "16").stdout
    destroy_seconds = time.monotonic() - started
    assert f"- {COUNT + 2} deleted" in shown, shown[-2000:]
    assert [c for c in api.list(search=prefix) if c["name"].startswith(prefix + " ")] == []
    api.close()
    figure(
        f"real CLI: {COUNT} collections in one program, up / destroy (--parallel 16)",
        "clean, no RecursionError",
        f"{up_seconds:.1f} s / {destroy_seconds:.1f} s",
    )
