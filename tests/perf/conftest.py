"""Benchmarks (on demand: `pytest tests/perf -s`): emulator fixtures and the results table.

Each benchmark records ``bench.figure(name, target, measured)``; the table is printed at the
end. Nothing here asserts a timing: figures are reported, not enforced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bench import CLIENT, RESULTS, SECRET

from pulumi_zarr.emulator.samples import write_cube
from pulumi_zarr.emulator.server import Emulator


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not RESULTS:
        return
    write = terminalreporter.write_line
    write("")
    write("| figure | target | measured |")
    write("|---|---|---|")
    for name, target, measured in RESULTS:
        write(f"| {name} | {target} | {measured} |")


@pytest.fixture(scope="session")
def buckets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("perf-buckets")
    write_cube(root / "cubes" / "small.zarr", arrays=("B1", "B2"))
    names = [f"B{i:04d}" for i in range(1000)]
    write_cube(root / "cubes" / "wide.zarr", arrays=names, width=2, height=2)
    write_cube(
        root / "cubes" / "wide-consolidated.zarr",
        arrays=names,
        width=2,
        height=2,
        consolidated=True,
    )
    return root


@pytest.fixture
def emulator_for(buckets: Path) -> Iterator[Callable[[float], Emulator]]:
    """``emulator_for(ingest_delay)``: a started in-process emulator (stopped afterwards)."""
    started: list[Emulator] = []

    def make(delay: float) -> Emulator:
        emu = Emulator(buckets, clients={CLIENT: SECRET}, ingest_delay=delay).start()
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()
