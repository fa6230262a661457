"""Cold start of the provider host: what `import pulumi_zarr` costs, and what the state stores.

The host (``python -m pulumi.dynamic``) imports ``pulumi_zarr`` when it unpickles
``__provider``; pydantic, requests and the API models load on the first call needing them.

Run on demand: `pytest tests/perf -s`. Prints figures; asserts only what is not a timing.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

from bench import figure
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_zarr import ZarrCollectionProvider

HEAVY = ("fastapi", "uvicorn", "zarr", "numpy", "s3fs", "starlette")
BASE = "import pulumi, pulumi.dynamic"
RUNS = 7


def _import_micros(code: str) -> tuple[int, int]:
    """(-X importtime of everything ``code`` imports, of pulumi_zarr and what it pulls in), µs.

    Top-level entries only (their cumulative covers their children); both from one process,
    so the ratio does not suffer from run-to-run noise.
    """
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    )
    total = ours = 0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        if not name.startswith("  ") and name.strip() and cumulative.strip().isdigit():
            total += int(cumulative)
            ours += int(cumulative) if name.strip().startswith("pulumi_zarr") else 0
    return total, ours


def _ratio(code: str) -> tuple[float, float]:
    """Median over RUNS of (import time of ``code`` / the same without pulumi_zarr, ms ours)."""
    runs = [_import_micros(code) for _ in range(RUNS)]
    return (
        statistics.median(total / (total - ours) for total, ours in runs),
        statistics.median(ours for _, ours in runs) / 1000,
    )


def _unpickle(serialized: str) -> str:
    """What the host does with ``__provider`` before its first call."""
    return f"{BASE}, base64, dill; dill.loads(base64.b64decode({serialized!r}))"


def test_provider_import_does_not_pull_the_emulator_stack():
    serialized = serialize_provider(ZarrCollectionProvider())
    code = f"{_unpickle(serialized)}; import sys; print(','.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = set(done.stdout.strip().split(","))
    assert "pulumi_zarr.dynamic.provider" in modules
    assert not [m for m in (*HEAVY, "pydantic", "requests") if m in modules]


def test_import_cost_relative_to_pulumi_and_provider_size():
    serialized = serialize_provider(ZarrCollectionProvider())
    base = statistics.median(_import_micros(BASE)[0] for _ in range(RUNS)) / 1000
    package, package_ms = _ratio(f"{BASE}, pulumi_zarr")
    host, host_ms = _ratio(_unpickle(serialized))
    program, program_ms = _ratio(
        f"{BASE}; from pulumi_zarr import ZarrCollection, ZarrCollectionArgs, "
        "ZarrCollectionProvider"
    )
    _, check_ms = _ratio(f"{BASE}, pulumi_zarr, pulumi_zarr.collection.spec")
    _, create_ms = _ratio(f"{BASE}, pulumi_zarr, pulumi_zarr.collection.lifecycle")
    figure(
        f"cold start: import pulumi + pulumi_zarr / import pulumi ({base:.0f} ms), "
        f"median of {RUNS}",
        "≤ 1.2",
        f"{package:.2f} (+{package_ms:.1f} ms)",
    )
    figure(
        "cold start: host unpickling __provider / import pulumi",
        "≤ 1.2",
        f"{host:.2f} (+{host_ms:.1f} ms)",
    )
    figure(
        "cold start: program's `from pulumi_zarr import …` / import pulumi",
        "≤ 1.2",
        f"{program:.2f} (+{program_ms:.1f} ms)",
    )
    figure(
        "deferred to the host's first Check / first Create (pydantic, models / requests, oauth)",
        "—",
        f"+{check_ms - package_ms:.0f} ms / +{create_ms - package_ms:.0f} ms",
    )
    figure("serialized __provider", "< 200 characters, no credentials", f"{len(serialized)}")
    assert len(serialized) < 200  # pickled by reference: no captured state
