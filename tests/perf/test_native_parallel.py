"""Parallel creates through the real CLI: 20 collections, each ingesting for 5 s, in one `up`,
declared with the native provider's class and with the dynamic one, in the same run.

The dynamic provider host serves 4 calls at once, so the dynamic resource's floor is
⌈20/4⌉ x 5 s = 25 s whatever `--parallel` says; the native plugin waits for all 20 at once, so
its floor is the ingestion itself, 5 s. Each `up` is timed whole, engine and program start-up
included; the same `up` with an (almost) instant ingestion measures that fixed cost, beside the
engine's own: an `up` of as many no-op resources (tests/perf/scale_program, ``noop``). The
emulator's timelines give the span from the first create to the last final status.
Skipped without the `pulumi` CLI on PATH (scripts/pulumi-cli.sh builds it).
"""

from __future__ import annotations

import math
import shutil
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from bench import CLIENT, SECRET, figure, scale_stack

from pulumi_zarr.emulator.server import Emulator
from pulumi_zarr.testing.cli import Stack, native_plugins

PROGRAM = Path(__file__).resolve().parents[1] / "e2e" / "program"
COUNT, INGEST, INSTANT = 20, 5.0, 0.05


@dataclass
class Run:
    wall: float  # the whole `pulumi up`
    span: float  # first collection created → last one final (the emulator's clock)


def _epoch(value: str | float) -> float:
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    return value


def up_many(cli: str, root: Path, emu: Emulator, resource: str, python: Path) -> Run:
    """One `pulumi up` creating COUNT collections with ``resource`` (``dynamic`` or
    ``native``), the program run by ``python``; the stack is destroyed afterwards."""
    plugins = native_plugins() if resource == "native" else None
    env = {"PULUMI_PYTHON_CMD": str(python)}
    stack = Stack(cli, root, PROGRAM, env=env, plugins=plugins)
    stack.init(
        {
            "sentinelhub:baseUrl": emu.url,
            "sentinelhub:clientId": CLIENT,
            "zarr-e2e:resource": resource,
            "zarr-e2e:many": {
                "count": COUNT,
                "s3_bucket": "cubes",
                "path": "small.zarr/",
                "wait": True,
                "prefix": resource,
            },
        },
        {"sentinelhub:clientSecret": SECRET},
    )
    started = time.monotonic()
    stack.up("--parallel", str(COUNT * 2))
    wall = time.monotonic() - started
    assert stack.outputs()["many_ids"] == COUNT
    timelines = [emu.control.timeline(r["id"]) or {} for r in stack.resources()]
    first = min(_epoch(t["created"]) for t in timelines)
    span = max(_epoch(t["finalAt"]) for t in timelines) - first
    stack.destroy()
    return Run(wall, span)


def up_noop(cli: str, root: Path, python: Path) -> float:
    """The wall time of one `pulumi up` of COUNT no-op resources: the engine's fixed cost."""
    stack = scale_stack(cli, root, python, "noop", COUNT)
    started = time.monotonic()
    stack.up("--parallel", str(COUNT * 2))
    wall = time.monotonic() - started
    stack.destroy()
    return wall


def test_twenty_five_second_ingestions_native_and_dynamic(emulator_for, tmp_path, program_python):
    cli = shutil.which("pulumi")
    if cli is None:
        pytest.skip("the pulumi CLI is not on PATH (bash scripts/pulumi-cli.sh builds it)")
    noop = up_noop(cli, tmp_path / "noop", program_python)
    native_fixed = up_many(
        cli, tmp_path / "fixed", emulator_for(INSTANT), "native", program_python
    ).wall
    emu = emulator_for(INGEST)
    native = up_many(cli, tmp_path / "native", emu, "native", program_python)
    dynamic = up_many(cli, tmp_path / "dynamic", emu, "dynamic", program_python)
    ceiling = math.ceil(COUNT / 4) * INGEST
    what = f"`pulumi up` of {COUNT} x {INGEST:g} s ingestion"
    figure(
        f"native: {what}, wall / {INGEST:g} s floor",
        "≤ 1.5",
        f"{native.wall / INGEST:.2f} ({native.wall:.1f} s)",
    )
    figure(
        f"dynamic: {what}, wall / {INGEST:g} s floor",
        "— (4-call host)",
        f"{dynamic.wall / INGEST:.2f} ({dynamic.wall:.1f} s)",
    )
    figure(
        f"dynamic: same, wall / ⌈{COUNT}/4⌉ x {INGEST:g} s = {ceiling:g} s",
        "≈ 1",
        f"{dynamic.wall / ceiling:.2f}",
    )
    figure("dynamic wall / native wall, same run", "—", f"{dynamic.wall / native.wall:.2f}")
    figure(
        f"native: the same `up` with a {INSTANT:g} s ingestion (engine, program, plugin start)",
        "—",
        f"{native_fixed:.1f} s",
    )
    figure(
        f"the same `up` of {COUNT} no-op resources (the engine's fixed cost)",
        "native's fixed cost within 0.5 s",
        f"{noop:.1f} s (native - noop: {native_fixed - noop:+.1f} s)",
    )
    figure(
        f"native: {what}, wall / ({INGEST:g} s + the no-op `up`)",
        "≤ 1.2",
        f"{native.wall / (INGEST + noop):.2f}",
    )
    figure(
        f"native: (wall - that fixed cost) / {INGEST:g} s floor",
        "≤ 1.5",
        f"{(native.wall - native_fixed) / INGEST:.2f}",
    )
    figure(
        f"first create → last final status / {INGEST:g} s floor: native, dynamic",
        "native ≈ 1",
        f"{native.span / INGEST:.2f}, {dynamic.span / INGEST:.2f}",
    )
