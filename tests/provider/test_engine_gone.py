"""A provider process whose ``pulumi`` died (``kill -9``): a lost log line fails nothing,
create deletes nothing that no engine would record, and the process ends.

The journey through the real CLI (kill, rerun, adoption) is tests/e2e/test_crash.py.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from harness.fixtures import (
    CLIENT_ID,
    CRS_4326,
    GOOD_BUCKET,
    GOOD_PATH,
    PLANTED_SECRET,
    write_failing_cube,
)
from harness.measure import unique

from pulumi_zarr.api.client import ZarrClient
from pulumi_zarr.api.settings import Settings
from pulumi_zarr.collection import engine_watch, lifecycle, polling
from pulumi_zarr.collection.progress import forward_progress, progress_log
from pulumi_zarr.collection.spec import ZarrCollectionInputs
from pulumi_zarr.dynamic.provider import _info
from pulumi_zarr.errors import ZarrCollectionError
from pulumi_zarr.native.engine_log import EngineLog
from pulumi_zarr.testing.engine import EngineLogRecorder, ProviderError, ProviderHost

#: How long a provider process may outlive its engine.
EXIT_SECONDS = 10


@pytest.fixture
def client(emu: Any) -> Iterator[ZarrClient]:
    made = ZarrClient(Settings(client_id=CLIENT_ID, client_secret=PLANTED_SECRET, base_url=emu.url))
    yield made
    made.close()


def inputs(path: str = GOOD_PATH) -> ZarrCollectionInputs:
    return ZarrCollectionInputs(
        name=unique("crash"), s3_bucket=GOOD_BUCKET, path=path, crs=CRS_4326
    )


@contextlib.contextmanager
def broken_stderr() -> Iterator[None]:
    """stderr is a pipe whose reader is gone, as a provider's is once the CLI is killed
    (line-buffered, as Python's stderr is: each line is written at once). Set inside the test's
    body: pytest's capture sets its own stderr again between a fixture and the test."""
    read, write = os.pipe()
    os.close(read)
    stream = open(write, "w", buffering=1)  # noqa: SIM115 (closed below)
    saved, sys.stderr = sys.stderr, stream
    try:
        yield
    finally:
        sys.stderr = saved
        with contextlib.suppress(OSError):
            stream.close()


# how each provider writes its progress lines (no engine: to stderr)
WRITERS: dict[str, Callable[[str], None]] = {
    "dynamic": _info,  # pulumi.log.info: the dynamic host has no engine log
    "native": EngineLog(None).status,  # the engine's log, falling back to stderr
}


@pytest.mark.parametrize("surface", WRITERS)
def test_progress_lines_lost_on_a_dead_stderr_fail_nothing(surface, client, api, monkeypatch):
    written: list[str] = []

    def write(line: str) -> None:
        written.append(line)
        WRITERS[surface](line)

    monkeypatch.setattr(polling, "PROGRESS_FIRST_SECONDS", 0.0)  # a line at every poll
    monkeypatch.setattr(progress_log, "handlers", [])
    forward_progress(write)

    with broken_stderr():
        collection_id, outs = lifecycle.create(client, inputs())

    assert written, "no progress line was written: the test proves nothing"
    assert outs["status"] == "INGESTED"
    assert api.get(collection_id) is not None


@pytest.mark.parametrize("engine_there", [True, False], ids=["engine there", "engine gone"])
def test_create_deletes_what_it_made_only_while_its_engine_is_there(
    engine_there, buckets, client, api, monkeypatch
):
    write_failing_cube(buckets, GOOD_BUCKET, "failing.zarr/")
    engine = EngineLogRecorder()  # no health service: "unimplemented" counts as there
    monkeypatch.setattr(engine_watch, "_engine", engine_watch.Engine(engine.start()))
    if not engine_there:
        engine.stop()
    spec = inputs("failing.zarr/")
    try:
        with pytest.raises(ZarrCollectionError) as failed:
            lifecycle.create(client, spec)
    finally:
        engine.stop()

    left = [c for c in api.list() if c["name"] == spec.name]
    if engine_there:
        assert left == []
        assert "was deleted, so nothing is left behind" in str(failed.value)
    else:
        [kept] = left
        assert f"({kept['id']}) was kept: the Pulumi engine" in str(failed.value)
        api.delete(kept["id"])


def _exits_after_its_engine(host: ProviderHost, start_serving: Callable[[], Any]) -> None:
    with host:
        start_serving()
        assert host.alive
        time.sleep(2 * engine_watch.CHECK_SECONDS)
        assert host.alive, "the process ended while its engine was there"
        assert host.engine is not None
        host.engine.stop()
        deadline = time.monotonic() + EXIT_SECONDS
        while host.alive and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not host.alive, f"still running {EXIT_SECONDS} s after its engine stopped"


@pytest.mark.oldest_sdk
def test_the_native_plugin_ends_when_its_engine_is_gone():
    host = ProviderHost.native()
    _exits_after_its_engine(host, host.plugin_info)


@pytest.mark.oldest_sdk
def test_the_dynamic_host_ends_when_its_engine_is_gone():
    # the engine's address is the host's last argument; the watch starts at configure, which
    # the host runs on the first resource call
    host = ProviderHost(engine=EngineLogRecorder())

    def first_call() -> None:
        with contextlib.suppress(ProviderError):  # no credentials: only the call matters
            host.check({}, {})

    _exits_after_its_engine(host, first_call)
