"""Scale through the real CLI, on demand, beside the engine's floor (issue 17).

One program with N resources goes up, is refreshed twice (``refresh`` reads the state of the
up, collections as created; ``refresh again`` the state the first wrote, as later refreshes do)
and destroyed, for each kind in the same run:

* ``noop``: a dynamic resource whose provider does nothing: what the engine and the SDK cost,
  the floor;
* ``noop-wide``: the same with every property ZarrCollection registers, as None: the floor for
  that schema, since the SDK's cost grows with the properties of each resource;
* ``noop-get``: ``noop-wide`` whose read GETs one collection from the emulator: the floor of a
  refresh, which must read each resource from the service (its state is larger: the provider
  is pickled by value);
* ``dynamic`` (ZarrCollection) and ``native`` (NativeZarrCollection).

All run with the same CLI and flags (``PULUMI_SKIP_CHECKPOINTS=true``, ``--parallel 16``; the
collections do not wait for their ingestion), each kind against a fresh in-process emulator (no
kind sees another's leftovers). The refreshes start once the emulator has ended every ingestion
the up started (its ingestion pool runs behind the creates at 5,000): a refresh is measured
against an idle service, not beside a backlog of ingestions. Reported, never
asserted: the wall time of each step; the CPU of the program, the provider host or plugin, the
engine (the ``pulumi`` CLI and its language host) and the emulator, each apart; the peak memory
of the CLI's process tree; the state's size per resource; and a table of the ratios to each
floor.

Skipped unless ``PERF_SCALE_COUNTS`` is set (e.g. ``300,1200``); ``PERF_SCALE_KINDS`` picks the
kinds (default ``noop,noop-wide,noop-get,dynamic,native``). Without the ``pulumi`` CLI on PATH it is
skipped too (``bash scripts/pulumi-cli.sh`` builds it).

The CPU of each process is sampled with psutil every 50 ms while the step runs (a process's last
<50 ms are missed); ``total`` is exact: the step's children CPU from ``getrusage``. The emulator
runs in this process: its CPU is this process's, less the main thread (waiting for the CLI) and
the sampler's thread.

``PERF_SCALE_PROFILE=<folder>`` also attaches ``py-spy record`` (not a dependency: install it into
the venv) to each program and provider process as it starts, and writes its collapsed stacks
there, one file per process and step (the exact client CPU then includes py-spy's).

Before ZarrCollection's guard, the SDK's serialize_provider raised RecursionError near 960
dynamic resources in one program; tests/unit/test_many_resources.py proves the guard in the
suite, in process.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bench import CLIENT, CRS, SECRET, figure, scale_stack
from harness.api import ZarrApi
from harness.measure import unique

from pulumi_zarr.emulator.server import Emulator

psutil = pytest.importorskip("psutil")

COUNTS = [int(n) for n in os.environ.get("PERF_SCALE_COUNTS", "").split(",") if n.strip()]
KINDS = os.environ.get("PERF_SCALE_KINDS", "noop,noop-wide,noop-get,dynamic,native").split(",")
#: ``refresh`` follows the up, whose state holds the collections as created (not yet ingested);
#: ``refresh again`` reads the state that refresh wrote, as a later refresh does.
STEPS = ("up", "refresh", "refresh again", "destroy")
#: Process groups, in the order the table shows them.
GROUPS = ("program", "plugin", "engine", "other")
PROFILE = os.environ.get("PERF_SCALE_PROFILE")
PARALLEL = "16"
INGEST_DELAY = 0.3


def group_of(cmdline: list[str]) -> str:
    """Which part of a `pulumi` run a process of its tree is, from its command line."""
    text = " ".join(cmdline)
    if "pulumi-language-python-exec" in text:
        return "program"
    if "pulumi-resource-" in text or "pulumi.dynamic" in text or "pulumi_zarr.native" in text:
        return "plugin"
    if cmdline and Path(cmdline[0]).name.startswith("pulumi"):
        return "engine"  # the CLI and its Go language host
    return "other"


@dataclass
class Step:
    wall: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)  # group -> CPU seconds
    total: float = 0.0  # every child's CPU, exact (getrusage)
    emulator: float = 0.0
    peak_rss: float = 0.0  # bytes, the CLI's whole process tree at its peak
    sampled: int = 0


class Sampler(threading.Thread):
    """Samples the CPU and memory of this process's children until stopped."""

    def __init__(self, every: float = 0.05, profile: Path | None = None) -> None:
        super().__init__(daemon=True)
        self.profile, self.profilers = profile, []
        self.every, self.done = every, threading.Event()
        self.cpu: dict[tuple[int, float], tuple[str, float]] = {}
        self.peak_rss, self.own_cpu, self.samples = 0.0, 0.0, 0
        self.cmdlines: dict[str, set[str]] = defaultdict(set)

    def run(self) -> None:
        me = psutil.Process()
        while not self.done.is_set():
            rss = 0.0
            for child in me.children(recursive=True):
                try:
                    with child.oneshot():
                        key = (child.pid, child.create_time())
                        if key not in self.cpu:
                            line = child.cmdline()
                            self.cmdlines[group_of(line)].add(" ".join(line)[:160])
                            self.cpu[key] = (group_of(line), 0.0)
                            if self.profile and group_of(line) in ("program", "plugin"):
                                self.attach(child.pid, group_of(line))
                        times = child.cpu_times()
                        self.cpu[key] = (self.cpu[key][0], times.user + times.system)
                        rss += child.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
            self.peak_rss = max(self.peak_rss, rss)
            self.samples += 1
            self.done.wait(self.every)
        self.own_cpu = time.thread_time()
        for profiler in self.profilers:
            profiler.wait(timeout=60)

    def attach(self, pid: int, group: str) -> None:
        """Record the stacks of process ``pid`` until it ends (py-spy, not paused)."""
        assert self.profile is not None
        spy = Path(sys.executable).with_name("py-spy")
        out = self.profile / f"{group}-{pid}.txt"
        command = [spy, "record", "--pid", str(pid), "--nonblocking", "--threads", "--rate", "200"]
        self.profilers.append(
            subprocess.Popen(
                [*command, "--format", "raw", "-o", out],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )

    def by_group(self) -> dict[str, float]:
        out = dict.fromkeys(GROUPS, 0.0)
        for group, seconds in self.cpu.values():
            out[group] += seconds
        return out


def measured(run: Callable[[], str], profile: Path | None = None) -> tuple[Step, str]:
    """Run ``run()`` (a CLI command) and measure it (and profile it into ``profile``)."""
    if profile:
        profile.mkdir(parents=True, exist_ok=True)
    sampler = Sampler(profile=profile)
    me = psutil.Process()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = me.cpu_times()
    main = time.thread_time()
    sampler.start()
    started = time.monotonic()
    try:
        result = run()
    finally:
        wall = time.monotonic() - started
        sampler.done.set()
        sampler.join()
    main = time.thread_time() - main
    after = me.cpu_times()
    own = (after.user + after.system) - (process.user + process.system)
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = (done.ru_utime + done.ru_stime) - (children.ru_utime + children.ru_stime)
    step = Step(
        wall=wall,
        cpu=sampler.by_group(),
        total=total,
        emulator=max(own - main - sampler.own_cpu, 0.0),
        peak_rss=sampler.peak_rss,
        sampled=sampler.samples,
    )
    return step, result


@dataclass
class Run:
    kind: str
    count: int
    steps: dict[str, Step]
    state_bytes: int


def run_kind(cli: str, root: Path, emu: Emulator, kind: str, count: int, python: Path) -> Run:
    api = ZarrApi(emu.url, emu.token_url, CLIENT, SECRET)
    prefix = unique(f"scale-{kind}")
    own: dict[str, object] = {}
    if kind == "noop-get":  # the collection each of its reads GETs
        probe = api.create(f"{prefix} probe", "cubes", "small.zarr/", CRS)
        own["zarr-scale:probe"] = {"url": f"{api.url}/{probe['id']}", "token_url": emu.token_url}
    stack = scale_stack(
        cli,
        root,
        python,
        kind,
        count,
        env={"PULUMI_SKIP_CHECKPOINTS": "true"},
        config={
            "sentinelhub:baseUrl": emu.url,
            "sentinelhub:clientId": CLIENT,
            "zarr-scale:prefix": prefix,
            **own,
        },
        secrets={"sentinelhub:clientSecret": SECRET},
    )
    steps: dict[str, Step] = {}

    def profile(step: str) -> Path | None:
        return Path(PROFILE) / f"{kind}-{count}-{step}" if PROFILE else None

    steps["up"], shown = measured(lambda: stack.up("--parallel", PARALLEL).stdout, profile("up"))
    assert "created" in shown and "error" not in shown.lower(), shown[-2000:]
    assert stack.outputs()["ids"] == count
    exported = stack.export()
    state = json.dumps(exported)
    custom = [r for r in exported["deployment"]["resources"] if r.get("custom")]
    assert len([r for r in custom if not r["type"].startswith("pulumi:providers:")]) == count
    if not kind.startswith("noop"):
        held = [c for c in api.list(search=prefix) if c["name"].startswith(prefix + " ")]
        assert len(held) == count and len({c["id"] for c in held}) == count
        waited, settled = time.monotonic(), time.monotonic() + 600
        while any(c["status"] not in ("INGESTED", "FAILED") for c in held):
            assert time.monotonic() < settled, "the emulator's ingestions did not end in 600 s"
            time.sleep(1)
            held = [c for c in api.list(search=prefix) if c["name"].startswith(prefix + " ")]
        waited = time.monotonic() - waited
        print(f"\n{kind} x {count}: the ingestions ended {waited:.0f} s after the up")
    for step in ("refresh", "refresh again"):
        steps[step], shown = measured(
            lambda: stack.refresh("--parallel", PARALLEL).stdout, profile(step.replace(" ", "-"))
        )
        assert "error" not in shown.lower(), shown[-2000:]
    steps["destroy"], shown = measured(lambda: stack.destroy("--parallel", PARALLEL).stdout)
    assert "deleted" in shown and "error" not in shown.lower(), shown[-2000:]
    assert stack.resources() == []
    if not kind.startswith("noop"):
        assert [c for c in api.list(search=prefix) if c["name"].startswith(prefix + " ")] == []
    if kind == "noop-get":
        api.delete(probe["id"])
    api.close()
    return Run(kind, count, steps, len(state.encode()))


def per(seconds: float, count: int) -> str:
    return f"{1000 * seconds / count:.1f}"


def client_cpu(step: Step) -> float:
    """The CPU on the user's side: program, provider host or plugin, engine (and wrappers)."""
    return step.total


def tables(runs: list[Run]) -> list[str]:
    lines = [
        "| N | kind | up s | refresh s | refresh again s | destroy s | up CPU ms/res: program "
        "| plugin | engine | all client (exact) | emulator | refresh again CPU ms/res: plugin "
        "| engine | all client (exact) | emulator | peak RSS MB | state B/res |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        up, again = r.steps["up"], r.steps["refresh again"]
        walls = " | ".join(f"{r.steps[step].wall:.1f}" for step in STEPS)
        lines.append(
            f"| {r.count} | {r.kind} | {walls} | {per(up.cpu['program'], r.count)} | "
            f"{per(up.cpu['plugin'], r.count)} | {per(up.cpu['engine'], r.count)} | "
            f"{per(client_cpu(up), r.count)} | {per(up.emulator, r.count)} | "
            f"{per(again.cpu['plugin'], r.count)} | {per(again.cpu['engine'], r.count)} | "
            f"{per(client_cpu(again), r.count)} | {per(again.emulator, r.count)} | "
            f"{up.peak_rss / 2**20:.0f} | {r.state_bytes // r.count} |"
        )
    lines += [
        "",
        "| N | kind | floor | ratio to the floor: up wall | up client CPU | refresh wall | "
        "refresh again wall | refresh again client CPU | destroy wall | state size |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    floors = [r for r in runs if r.kind.startswith("noop")]
    for r in runs:
        for floor in floors:
            if floor.count != r.count or r.kind.startswith("noop"):
                continue

            def ratio(a: float, b: float) -> str:
                return f"{a / b:.2f}" if b else "—"

            s, f = r.steps, floor.steps
            lines.append(
                f"| {r.count} | {r.kind} | {floor.kind} | {ratio(s['up'].wall, f['up'].wall)} | "
                f"{ratio(client_cpu(s['up']), client_cpu(f['up']))} | "
                f"{ratio(s['refresh'].wall, f['refresh'].wall)} | "
                f"{ratio(s['refresh again'].wall, f['refresh again'].wall)} | "
                f"{ratio(client_cpu(s['refresh again']), client_cpu(f['refresh again']))} | "
                f"{ratio(s['destroy'].wall, f['destroy'].wall)} | "
                f"{ratio(r.state_bytes, floor.state_bytes)} |"
            )
    return lines


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, load average {load} at the end"


@pytest.mark.timeout(0)
@pytest.mark.skipif(not COUNTS, reason="on demand: set PERF_SCALE_COUNTS, e.g. 300,1200")
def test_scale_beside_the_floor(emulator_for, tmp_path, program_python):
    cli = shutil.which("pulumi")
    if cli is None:
        pytest.skip("no pulumi CLI on PATH: `bash scripts/pulumi-cli.sh` builds it")
    runs: list[Run] = []
    for count in COUNTS:
        for kind in KINDS:
            emu = emulator_for(INGEST_DELAY)  # fresh: its search sees these N, nothing before
            run = run_kind(cli, tmp_path / f"{kind}-{count}", emu, kind, count, program_python)
            emu.stop()  # an idle emulator would still count in this process's CPU
            runs.append(run)
            up = run.steps["up"]
            print(
                f"\n{kind} x {count}: up {up.wall:.1f} s, client CPU {up.total:.1f} s "
                f"({', '.join(f'{g} {s:.1f}' for g, s in up.cpu.items())}), emulator "
                f"{up.emulator:.1f} s; refresh {run.steps['refresh'].wall:.1f} s, again "
                f"{run.steps['refresh again'].wall:.1f} s; destroy "
                f"{run.steps['destroy'].wall:.1f} s",
                flush=True,
            )
        emu.stop()
    print("\n" + "\n".join(tables(runs)) + f"\n\nmachine: {machine()}", flush=True)
    for r in runs:
        up = r.steps["up"]
        figure(
            f"real CLI: {r.kind} x {r.count}, up / refresh / refresh again / destroy wall; "
            "up client CPU per resource",
            "ratios to noop and noop-wide",
            f"{' / '.join(f'{r.steps[step].wall:.1f}' for step in STEPS)} s; "
            f"{per(up.total, r.count)} ms",
        )
