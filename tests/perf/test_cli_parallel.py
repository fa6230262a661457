"""Parallel creates through the real CLI: 20 collections, each ingesting for 5 s, in one `up`.

The dynamic provider host serves 4 calls at once, so the floor for the dynamic resource is
⌈20/4⌉ x 5 s = 25 s whatever `--parallel` says; the ingestion floor itself is 5 s.
Skipped without the `pulumi` CLI on PATH (scripts/pulumi-cli.sh builds it).
"""

from __future__ import annotations

import math
import shutil
import time
from pathlib import Path

import pytest
from bench import CLIENT, SECRET, figure

from pulumi_zarr.testing.cli import Stack

PROGRAM = Path(__file__).resolve().parents[1] / "e2e" / "program"
COUNT, INGEST = 20, 5.0


def test_twenty_five_second_ingestions_through_pulumi_up(emulator_for, tmp_path):
    cli = shutil.which("pulumi")
    if cli is None:
        pytest.skip("the pulumi CLI is not on PATH (bash scripts/pulumi-cli.sh builds it)")
    emu = emulator_for(INGEST)
    stack = Stack(cli, tmp_path, PROGRAM)
    stack.init(
        {
            "sentinelhub:baseUrl": emu.url,
            "sentinelhub:clientId": CLIENT,
            "zarr-e2e:many": {
                "count": COUNT,
                "s3_bucket": "cubes",
                "path": "small.zarr/",
                "wait": True,
            },
        },
        {"sentinelhub:clientSecret": SECRET},
    )
    started = time.monotonic()
    stack.up("--parallel", str(COUNT * 2))
    wall = time.monotonic() - started
    assert stack.outputs()["many_ids"] == COUNT
    ceiling = math.ceil(COUNT / 4) * INGEST
    figure(
        f"dynamic: `pulumi up` of {COUNT} x {INGEST:g} s ingestion, wall / {INGEST:g} s floor",
        "— (4-call host)",
        f"{wall / INGEST:.2f} ({wall:.1f} s)",
    )
    figure(
        f"dynamic: same, wall / ⌈{COUNT}/4⌉ x {INGEST:g} s = {ceiling:g} s",
        "≈ 1",
        f"{wall / ceiling:.2f}",
    )
    stack.destroy()
