"""Upgrade: stacks written by an earlier release keep working with today's code.

tests/data/upgrade holds, for each surface (the dynamic ``ZarrCollection``, the native
``sentinelhub:index:ZarrCollection``), a deployment that ``pulumi stack export`` wrote after
``pulumi up`` with that release, and ``emulator.sql``: the emulator's state file at that moment
(SQLite, as text), so an emulator started from it holds exactly the collections those states
record. Each test imports one deployment into a fresh stack of today's program and expects
``preview`` and ``refresh`` to change nothing, then ``destroy`` to delete the collections.

Only public surfaces are used (the emulator's ``Emulator`` and its ``state_path``, the real
CLI, the journeys' program), so the test keeps proving the upgrade when modules move.

Re-record with the release to keep (it overwrites tests/data/upgrade)::

    UPGRADE_RECORD=1 .venv/bin/python -m pytest tests/e2e/test_upgrade.py -k record
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from pulumi_zarr.emulator.server import Emulator

from .conftest import CLIENT_ID, OTHER, PLANTED_SECRET, spec

pytestmark = pytest.mark.e2e

DATA = Path(__file__).resolve().parents[1] / "data" / "upgrade"
SEED = DATA / "emulator.sql"
RECORDING = os.environ.get("UPGRADE_RECORD") == "1"
#: The recorded URL of the emulator (its port changes from run to run).
LOOPBACK_URL = re.compile(r"http://127\.0\.0\.1:\d+")

#: The collections of each surface's stack: the inputs with their defaults, and the
#: provider's own options, all stored in the state.
COLLECTIONS: dict[str, dict[str, Any]] = {
    surface: {
        "plain": spec(f"upgrade {surface} plain"),
        "tuned": spec(
            f"upgrade {surface} tuned",
            OTHER,
            crs="http://www.opengis.net/def/crs/EPSG/0/3857",
            reingest_trigger="v1",
            ingestion_timeout_seconds=120,
            preflight="off",
        ),
        "nowait": spec(f"upgrade {surface} nowait", wait_for_ingestion=False),
    }
    for surface in ("dynamic", "native")
}


@pytest.fixture(scope="module")
def emulator_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The emulator's state file: made from emulator.sql (recording: none yet)."""
    state = tmp_path_factory.mktemp("emulator") / "state.sqlite"
    if not RECORDING:
        with closing(sqlite3.connect(state)) as db:
            db.executescript(SEED.read_text())
    return state


@pytest.fixture(scope="module")
def emu(buckets: Path, emulator_state: Path) -> Iterator[Emulator]:
    """The journeys' emulator (tests/e2e/conftest.py), with the recorded collections."""
    with Emulator(
        buckets, clients={CLIENT_ID: PLANTED_SECRET}, ingest_delay=0.3, state_path=emulator_state
    ) as emulator:
        yield emulator


def recorded_ids(deployment: dict[str, Any]) -> dict[str, str]:
    """Collection name -> id, of the collections a deployment records."""
    return {
        r["outputs"]["name"]: r["id"]
        for r in deployment["deployment"]["resources"]
        if r.get("custom") and not r["type"].startswith("pulumi:providers:")
    }


def counted(deployment: dict[str, Any]) -> int:
    """How many resources of a deployment the CLI's summary counts."""
    return sum(not r["urn"].endswith("::default") for r in deployment["deployment"]["resources"])


# Defined only when recording, so that an ordinary run (CI) collects no skipped test.
if RECORDING:

    def test_record(stack_factory, emulator_state):
        """Overwrite tests/data/upgrade with stacks of this release (a 'test' to reuse the
        journeys' fixtures, which also check that no secret reaches the output or the state)."""
        DATA.mkdir(parents=True, exist_ok=True)
        for surface, collections in COLLECTIONS.items():
            stack = stack_factory(resource=surface)
            stack.collections(collections)
            stack.up()
            # the collection that did not wait is INGESTED by now: the state says so, as a user's
            # would after any later refresh (then `up` writes the program's outputs again)
            stack.refresh()
            stack.up()
            text = stack.run("stack", "export").stdout
            assert PLANTED_SECRET not in text  # encrypted with the harness's passphrase
            (DATA / f"{surface}.json").write_text(text)
            assert len(recorded_ids(json.loads(text))) == len(collections)
        with closing(sqlite3.connect(emulator_state)) as db:  # the emulator's WAL included
            SEED.write_text("\n".join(db.iterdump()) + "\n")


@pytest.mark.skipif(RECORDING, reason="recording")
@pytest.mark.parametrize("surface", sorted(COLLECTIONS))
def test_a_recorded_stack_survives_the_upgrade(surface, stack_factory, emu, api, tmp_path):
    recorded = (DATA / f"{surface}.json").read_text()
    ids = recorded_ids(json.loads(recorded))
    # the stack, the collections and the dynamic ones' provider (a default provider, as the
    # native one is, is not counted)
    unchanged = f"{counted(json.loads(recorded))} unchanged"
    held = {name: (api.get(id) or {}).get("name") for name, id in ids.items()}
    assert held == {name: name for name in ids}  # the emulator holds them, as recorded
    # The state records the deployment's URL: the provider's baseUrl input (refresh and
    # destroy call the provider the state records; another baseUrl in the config is an
    # update of that provider) and each collection's base_url output (a collection not found
    # on another deployment is an error, not gone). The emulator listens on another port
    # now, for the same deployment: the port is rewritten everywhere in the deployment.
    assert len(set(LOOPBACK_URL.findall(recorded))) == 1
    moved = tmp_path / f"{surface}.json"
    moved.write_text(LOOPBACK_URL.sub(emu.url, recorded))

    stack = stack_factory(resource=surface)
    stack.collections(COLLECTIONS[surface])
    stack.run("stack", "import", "--file", str(moved))

    shown = stack.preview("--expect-no-changes", "--diff").stdout
    assert unchanged in shown, shown
    shown = stack.refresh("--expect-no-changes", "--diff").stdout
    assert unchanged in shown, shown
    stack.destroy()
    assert {id: api.get(id) for id in ids.values()} == dict.fromkeys(ids.values())
    assert stack.resources() == []
