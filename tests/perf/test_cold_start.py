"""Cold start of the provider host: what `import pulumi_zarr` costs, and what the state stores.

Run on demand: `pytest tests/perf -s`. Prints figures; asserts only what is not a timing.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

from pulumi.dynamic.dynamic import serialize_provider

from pulumi_zarr import ZarrCollectionProvider

HEAVY = ("fastapi", "uvicorn", "zarr", "numpy", "s3fs", "starlette")


def _import_micros(code: str) -> int:
    """Total -X importtime of the top-level modules imported by ``code`` (µs)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    )
    total = 0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if not name.startswith("  ") and name.strip() and cumulative.strip().isdigit():
            total += int(cumulative)  # top-level entries only: their cumulative covers children
    return total


def test_provider_import_does_not_pull_the_emulator_stack():
    code = "import sys, pulumi.dynamic, pulumi_zarr.provider; print(','.join(sorted(sys.modules)))"
    modules = set(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        .stdout.strip()
        .split(",")
    )
    assert not [m for m in HEAVY if m in modules]


def test_import_cost_relative_to_pulumi_and_provider_size():
    runs = 5
    base = statistics.median(_import_micros("import pulumi, pulumi.dynamic") for _ in range(runs))
    ours = statistics.median(
        _import_micros("import pulumi, pulumi.dynamic, pulumi_zarr") for _ in range(runs)
    )
    serialized = serialize_provider(ZarrCollectionProvider())
    print(
        f"\ncold start (median of {runs}): import pulumi = {base / 1000:.1f} ms, "
        f"import pulumi + pulumi_zarr = {ours / 1000:.1f} ms, ratio "
        f"{ours / base:.2f} (target ≤ 1.2)"
    )
    print(f"serialized __provider: {len(serialized)} characters")
    assert len(serialized) < 200  # pickled by reference: no captured state
