"""Reliability tests: an emulator with a planted secret, a provider host with short client
timeouts, an audit after every cell of the fault matrix, and the matrix printed as a table
at the end of the run with the audit's totals."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from harness import summary
from harness.fixtures import CRS_4326, GOOD_BUCKET, GOOD_PATH, PLANTED_SECRET, RecordingHost
from harness.measure import unique

#: Short client timeout and retry budget, so slow and repeated faults cost little time.
FAST_CLIENT = {"SH_ZARR_TIMEOUT_SECONDS": "1", "SH_ZARR_MAX_ATTEMPTS": "3"}


@pytest.fixture(scope="module")
def host(sh_config, all_logs, issued_tokens) -> Iterator[RecordingHost]:
    """The provider host (logs and tokens recorded from its start, to scan for leaks)."""
    with RecordingHost(project="zarr-reliability", env=FAST_CLIENT) as h:
        h.configure(sh_config)
        yield h


@pytest.fixture(scope="module")
def foreign(api) -> Iterator[list[dict[str, Any]]]:
    """Collections of the same account that no resource manages: nothing may touch them."""
    made = [api.create(unique("foreign"), GOOD_BUCKET, GOOD_PATH, CRS_4326) for _ in range(2)]
    yield [api.wait_final(c["id"]) for c in made]
    for collection in made:
        api.delete(collection["id"])


@pytest.fixture
def record(request, api, foreign, issued_tokens) -> Callable[..., None]:
    """Add a row to the matrix after auditing the service right after the call:

    * every collection named one of ``names`` is in the state (``kept``) or named in a
      message the user saw (``said``), else it is an orphan;
    * no two of them have the same name, bucket, path and CRS (duplicates);
    * every foreign collection still exists;
    * no message or output (``shown``) holds the client secret or an issued token.
    """

    def add(
        call: str,
        fault: str,
        expected: str,
        outcome: str,
        *,
        names: Iterable[str],
        kept: Iterable[str] = (),
        said: Iterable[str] = (),
        shown: Iterable[Any] = (),
    ) -> None:
        kept, said = set(kept), list(said)
        found = [c for name in dict.fromkeys(names) for c in api.named(name)]
        orphans = [
            c["id"] for c in found if c["id"] not in kept and not any(c["id"] in t for t in said)
        ]
        specs = Counter((c["name"], c["s3Bucket"], c["path"], c["crs"]) for c in found)
        duplicates = sum(n - 1 for n in specs.values())
        gone = [c["id"] for c in foreign if api.get(c["id"]) is None]
        text = "\n".join([*said, *(json.dumps(o, default=str) for o in shown)])
        leaks = [PLANTED_SECRET] if PLANTED_SECRET in text else []
        leaks += [f"token {t[:8]}…" for t in issued_tokens if t in text]
        counts = {
            "cells": 1,
            "orphans": len(orphans),
            "duplicates": duplicates,
            "foreign": len(gone),
            "leaks": len(leaks),
        }
        summary.add(request, summary.AUDIT, counts)
        summary.add(request, summary.MATRIX_ROW, (call, fault, expected, outcome))
        assert not orphans, f"orphaned: {orphans}"
        assert not duplicates, f"duplicated: {found}"
        assert not gone, f"foreign collections deleted: {gone}"
        assert not leaks, f"leaked: {leaks}"

    return add


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
