"""Reliability tests: an emulator with a planted secret, a provider host with short client
timeouts, and the fault-matrix table printed at the end of the run."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from harness.fixtures import RecordingHost

#: Short client timeout and retry budget, so slow and repeated faults cost little time.
FAST_CLIENT = {"SH_ZARR_TIMEOUT_SECONDS": "1", "SH_ZARR_MAX_ATTEMPTS": "3"}

#: (call, fault, expected, outcome) rows recorded by the fault-matrix tests.
MATRIX: list[tuple[str, str, str, str]] = []

#: Lines of the load test's figures (throughput, latency percentiles).
LOAD: list[str] = []


@pytest.fixture(scope="module")
def host(sh_config, all_logs, issued_tokens) -> Iterator[RecordingHost]:
    """The provider host (logs and tokens recorded from its start, to scan for leaks)."""
    with RecordingHost(project="zarr-reliability", env=FAST_CLIENT) as h:
        h.configure(sh_config)
        yield h


@pytest.fixture
def record() -> Any:
    def add(call: str, fault: str, expected: str, outcome: str) -> None:
        MATRIX.append((call, fault, expected, outcome))

    return add


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if LOAD:
        terminalreporter.section("load test (loopback)")
        for line in LOAD:
            terminalreporter.write_line(line)
    if not MATRIX:
        return
    head = ("call", "fault", "expected", "outcome")
    rows = [head, *sorted(MATRIX)]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    terminalreporter.section("fault matrix (provider through the engine protocol)")
    for n, row in enumerate(rows):
        terminalreporter.write_line(
            " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
        )
        if n == 0:
            terminalreporter.write_line("-+-".join("-" * w for w in widths))


class Everything(logging.Handler):
    """Keeps the formatted text of every log record (any logger, DEBUG and up)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()} {record.exc_text or ''}")


@pytest.fixture(scope="module")
def all_logs() -> Iterator[Everything]:
    """Every log line of this process (the in-process emulator, urllib3, the client)."""
    handler, root = Everything(), logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(scope="module")
def issued_tokens(emu) -> list[str]:
    """Every access token the emulator hands out from now on."""
    tokens: list[str] = []
    issue = emu.app.issuer.issue

    def recording(*args: Any, **kwargs: Any) -> dict:
        answer = issue(*args, **kwargs)
        tokens.append(answer["access_token"])
        return answer

    emu.app.issuer.issue = recording
    return tokens
