"""A dynamic stack written before the modules moved into layers keeps working.

``tests/data/states/dynamic-collection-0.1.0.json`` is one ZarrCollection of a stack that the
real CLI deployed with pulumi-zarr 0.1.0 (``pulumi stack export --show-secrets``). Its
``__provider`` is the pickled ``pulumi_zarr.provider.ZarrCollectionProvider``; the dynamic
provider host unpickles it for every Read (refresh) and Delete (destroy) of that resource.
"""

from __future__ import annotations

import base64
import json
import pickletools
from pathlib import Path
from typing import Any

import pytest
from harness.fixtures import CLIENT_ID, CRS_4326, GOOD_BUCKET, GOOD_PATH

from pulumi_zarr.testing.engine import ProviderHost

RECORDED = Path(__file__).parents[1] / "data" / "states" / "dynamic-collection-0.1.0.json"


def recorded() -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(``__provider``, inputs, outputs) of the recorded resource, secrets unwrapped."""
    resource = json.loads(RECORDED.read_text())

    def plain(props: dict[str, Any]) -> dict[str, Any]:
        wrapped = props.pop("__provider")
        return json.loads(wrapped["plaintext"])  # type: ignore[no-any-return]

    inputs, outputs = resource["inputs"], resource["outputs"]
    provider = plain(inputs)
    assert plain(outputs) == provider
    return provider, inputs, outputs


@pytest.mark.oldest_sdk
def test_the_recorded_provider_is_the_old_module_path():
    provider, _, _ = recorded()
    ops = pickletools.genops(base64.b64decode(provider))
    names = [arg for _, arg, _ in ops if isinstance(arg, str)]
    assert names[:2] == ["pulumi_zarr.provider", "ZarrCollectionProvider"]


@pytest.mark.oldest_sdk
def test_a_state_written_before_the_move_reads_and_deletes(sh_config, emu, api):
    provider, inputs, outputs = recorded()
    made = api.create(inputs["name"], GOOD_BUCKET, GOOD_PATH, CRS_4326)
    api.wait_final(made["id"])
    # the recorded collection, as it would be on this emulator under this client
    outputs = {**outputs, "base_url": emu.url, "client_id": CLIENT_ID}
    outputs["data_type"] = f"zarr-{made['id']}"
    with ProviderHost(provider) as host:
        host.configure(sh_config)
        found, outs, _ = host.read(made["id"], outputs, inputs)
        assert (found, outs["name"], outs["status"]) == (made["id"], inputs["name"], "INGESTED")
        host.delete(made["id"], outs)
    assert api.get(made["id"]) is None
