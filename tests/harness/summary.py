"""Tables printed at the end of a run: the fault matrix with its audit, the load test's figures.

Tests put their rows in their report (``request.node.user_properties``), so the tables are
gathered wherever the report arrives: in the one process of a plain run, or in pytest-xdist's
controller, which never runs a test itself.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

MATRIX_ROW = "fault-matrix row"
AUDIT = "fault-matrix audit"
LOAD_LINE = "load-test line"

_matrix: list[tuple[str, ...]] = []
_audit: Counter[str] = Counter()
_load: list[str] = []


def add(request: pytest.FixtureRequest, kind: str, value: Any) -> None:
    """Report ``value`` (a row, an audit count or a line) for the end-of-run tables."""
    request.node.user_properties.append((kind, value))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call":
        return
    for kind, value in report.user_properties:
        if kind == MATRIX_ROW:
            _matrix.append(tuple(value))
        elif kind == AUDIT:
            _audit.update(value)
        elif kind == LOAD_LINE:
            _load.append(value)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _load:
        terminalreporter.section("load test (loopback)")
        for line in _load:
            terminalreporter.write_line(line)
    if not _matrix:
        return
    head = ("call", "fault", "expected", "outcome")
    rows = [head, *sorted(_matrix)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    terminalreporter.section("fault matrix (provider through the engine protocol)")
    for n, row in enumerate(rows):
        terminalreporter.write_line(
            " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
        )
        if n == 0:
            terminalreporter.write_line("-+-".join("-" * w for w in widths))
    terminalreporter.write_line(
        f"cells: {_audit['cells']}; after each: orphans {_audit['orphans']}, duplicates "
        f"{_audit['duplicates']}, foreign collections deleted {_audit['foreign']}, secrets or "
        f"tokens in any output or message {_audit['leaks']}"
    )
