"""Shared fixtures: a temp buckets folder, sample cubes, in-process emulators, OAuth sessions."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from emulator.helpers import oauth_session

#: Fixture modules for every test: the harness's emulator, provider host and API (module
#: scoped), an S3 server, and the release virtualenv the real CLI runs programs with.
pytest_plugins = [
    "harness.fixtures",
    "harness.s3",
    "harness.summary",
    "harness.cpu",
    "harness.release",
]

FAST_INGEST = 0.2  # seconds from create to a final status in the emulator fixtures


@pytest.fixture
def buckets_dir(tmp_path: Path) -> Path:
    """A folder whose sub-folders are the emulator's buckets."""
    root = tmp_path / "buckets"
    root.mkdir()
    return root


@pytest.fixture
def write_cube(buckets_dir: Path) -> Callable[..., Any]:
    """``write_cube(path, **knobs)``: a Zarr v2 cube (see pulumi_zarr.emulator.samples)."""
    from pulumi_zarr.emulator.samples import write_cube as write

    def make(root: Any = None, **knobs: Any) -> Any:
        return write(root if root is not None else buckets_dir / "cubes" / "demo.zarr", **knobs)

    return make


@pytest.fixture
def emulator(buckets_dir: Path) -> Iterator[Any]:
    """An emulator on 127.0.0.1 (clients local/local-secret and other/other-secret)."""
    from pulumi_zarr.emulator.server import Emulator

    clients = {"local": "local-secret", "other": "other-secret"}
    with Emulator(buckets_dir, clients=clients, ingest_delay=FAST_INGEST) as emu:
        yield emu


@pytest.fixture
def short_token_emulator(buckets_dir: Path) -> Iterator[Any]:
    """An emulator whose tokens live 2 s."""
    from pulumi_zarr.emulator.server import Emulator

    with Emulator(buckets_dir, ingest_delay=FAST_INGEST, token_ttl=2) as emu:
        yield emu


@pytest.fixture
def session_for(emulator: Any) -> Iterator[Callable[..., Any]]:
    """``session_for(client_id="local", secret=...)``: an authorised session to ``emulator``."""
    opened: list[Any] = []

    def make(client_id: str = "local", secret: str | None = None) -> Any:
        session = oauth_session(emulator.url, client_id, secret or f"{client_id}-secret")
        opened.append(session)
        return session

    yield make
    for session in opened:
        session.close()


@pytest.fixture
def oauth(session_for: Callable[..., Any]) -> Any:
    """An authorised session of client ``local``."""
    return session_for()


#: Why a test marked ``aws_example`` skips in .venv.
AWS_ELSEWHERE = "pulumi-aws is in .venv-aws only: scripts/test.sh runs `-m aws_example` there"

#: Groups that run longest, started first so that no worker is left with one at the end.
LONGEST_FIRST = ("reliability/test_fault_matrix.py", "acceptance/test_journey.py", "e2e/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """For ``--dist loadgroup`` (scripts/test.sh): the tests of a module outside tests/e2e share
    its module-scoped servers and hosts, so they run together on one worker; each real-CLI
    test has a stack of its own and may run on any worker. The longest come first. Tests
    marked ``aws_example`` skip where pulumi-aws is not installed."""
    aws = importlib.util.find_spec("pulumi_aws") is not None
    for item in items:
        if item.path.parent.name != "e2e":
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
        if not aws and item.get_closest_marker("aws_example"):
            item.add_marker(pytest.mark.skip(reason=AWS_ELSEWHERE))

    def rank(item: pytest.Item) -> int:
        found = (n for n, part in enumerate(LONGEST_FIRST) if part in item.nodeid)
        return next(found, len(LONGEST_FIRST))

    items.sort(key=rank)
