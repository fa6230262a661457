"""Explicit provider instances and customTimeouts through the real `pulumi` CLI: the YAML program
examples/yaml-providers, with its two `sentinelhub` providers on two emulators (two accounts,
two credentials).

Kept cheap, both features in one stack and four operations:
1. `up`: each collection lands on its provider's emulator; the state holds neither secret.
2. `current` moved to the other provider while that emulator's ingestion never ends, with
   `customTimeouts: create: 2s` on the moved resource: the engine replaces it (create through
   the new provider first), the create stops after 2 s as at the ingestion timeout, deletes what
   it made, and the old collection stays where it was.
3. The same move with ingestion working: created on the new emulator, deleted on the old one.
4. `destroy`: both emulators empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness.fixtures import timed_out
from harness.measure import unique

from pulumi_zarr.emulator.server import Emulator
from pulumi_zarr.testing.cli import native_plugins

from .conftest import BUCKET, CLIENT_ID, GOOD, PLANTED_SECRET, collections_named

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "yaml-providers"
OTHER_CLIENT = "e2e-other-client"
#: The second account's secret: never in the state or the output either.
OTHER_SECRET = "PLANTED-other-s3cr3t-77e1a0"


@pytest.fixture(scope="module")
def other_emu(buckets: Path) -> Iterator[Emulator]:
    with Emulator(buckets, clients={OTHER_CLIENT: OTHER_SECRET}, ingest_delay=0.3) as emulator:
        yield emulator


def ids(emu: Any, name: str) -> list[str]:
    from harness.api import ZarrApi

    client_id, secret = next(iter(emu.config.clients.items()))
    api = ZarrApi(emu.url, emu.token_url, client_id, secret)
    try:
        return [c["id"] for c in collections_named(api, name)]
    finally:
        api.close()


def test_two_providers_a_provider_change_and_custom_timeouts(stack_factory, emu, other_emu):
    prefix = unique("two")
    stack = stack_factory(EXAMPLE, own_project_file=True, plugins=native_plugins())
    p = stack.project
    stack.configure(
        {
            f"{p}:mainUrl": emu.url,
            f"{p}:mainClientId": CLIENT_ID,
            f"{p}:otherUrl": other_emu.url,
            f"{p}:otherClientId": OTHER_CLIENT,
            f"{p}:bucket": BUCKET,
            f"{p}:path": GOOD,
            f"{p}:prefix": prefix,
            f"{p}:archiveTimeout": "2s",
        },
        {f"{p}:mainClientSecret": PLANTED_SECRET, f"{p}:otherClientSecret": OTHER_SECRET},
    )
    current, archive = f"{prefix} current", f"{prefix} archive"

    # 1. each collection on its own provider's deployment, as its own client
    stack.up()
    out = stack.outputs()
    assert ids(emu, current) == [out["currentId"]] and ids(emu, archive) == []
    assert ids(other_emu, archive) == [out["archiveId"]] and ids(other_emu, current) == []
    assert (out["currentBaseUrl"], out["archiveBaseUrl"]) == (emu.url, other_emu.url)
    state = stack.export()["deployment"]["resources"]
    providers = [r for r in state if r["type"] == "pulumi:providers:sentinelhub"]
    assert len(providers) == 2
    assert all("ciphertext" in r["inputs"]["clientSecret"] for r in providers)
    assert OTHER_SECRET not in stack.state_files(history_config=False)

    # 2. `current` moves to the other provider, whose ingestion never ends, with a 2 s
    #    customTimeouts create: the engine replaces it; the create gives up after 2 s
    program = stack.dir / "Pulumi.yaml"
    text = program.read_text()
    moved = text.replace(
        "      provider: ${main}\n",
        "      provider: ${other}\n      customTimeouts:\n        create: 2s\n",
    )
    assert moved != text
    program.write_text(moved)
    shown = stack.preview("--diff").stdout
    assert "+-sentinelhub:index:ZarrCollection: (replace)" in shown, shown
    other_emu.control.set_stuck(f"^{prefix} current$")
    try:
        failed = stack.up(ok=False).text
    finally:
        other_emu.control.set_stuck(None)
    assert re.search(timed_out(2, "customTimeouts.create"), failed), failed
    assert "was deleted, so nothing is left behind" in failed
    assert ids(other_emu, current) == [] and ids(emu, current) == [out["currentId"]]

    # 3. the same move, ingestion working: created on the new deployment, deleted on the old
    shown = stack.up().stdout
    assert "replaced" in shown, shown
    moved_id = stack.outputs()["currentId"]
    assert ids(other_emu, current) == [moved_id] and ids(emu, current) == []
    assert stack.outputs()["currentBaseUrl"] == other_emu.url

    # 4. destroy: nothing left on either
    stack.destroy()
    assert ids(emu, current) == ids(other_emu, current) == ids(other_emu, archive) == []
    text = stack.state_files(history_config=False) + "\n".join(stack.transcript)
    assert OTHER_SECRET not in text
