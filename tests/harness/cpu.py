"""Opt-in CPU accounting (``PULUMI_ZARR_CPU_REPORT=1``): each test's CPU seconds, its own process's
plus every child it waited for (CLI, programs, hosts, plugins), summed by folder and listed for
the costliest tests at the end of the run. The suite is CPU-bound on 2 cores, so this, not wall
time under xdist, tells which tests are worth merging or moving down a layer.
"""

from __future__ import annotations

import os
import resource
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

ENABLED = os.environ.get("PULUMI_ZARR_CPU_REPORT") == "1"
KIND = "cpu seconds"
_cpu: dict[str, float] = {}
_start: dict[str, float] = {}


def _used() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    if not ENABLED:
        yield
        return
    _start[item.nodeid] = _used()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    if not ENABLED or call.when != "teardown":
        return
    if item.nodeid in _start:
        report = outcome.get_result()
        report.user_properties.append((KIND, _used() - _start.pop(item.nodeid)))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "teardown":
        return
    for kind, value in report.user_properties:
        if kind == KIND:
            _cpu[report.nodeid] = value


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _cpu:
        return
    folders: dict[str, float] = defaultdict(float)
    for nodeid, seconds in _cpu.items():
        folders["/".join(nodeid.split("::")[0].split("/")[:2])] += seconds
    terminalreporter.section(f"CPU seconds by test (total {sum(_cpu.values()):.0f})")
    for folder, seconds in sorted(folders.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"{seconds:8.1f}  {folder}")
    terminalreporter.write_line("")
    for nodeid, seconds in sorted(_cpu.items(), key=lambda kv: -kv[1])[:45]:
        terminalreporter.write_line(f"{seconds:8.1f}  {nodeid}")
