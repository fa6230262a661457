"""Two deployments in one program through sentinelhub-py profiles, with the real CLI."""

from __future__ import annotations

import json

import pytest
from harness.api import ZarrApi
from harness.measure import unique

from pulumi_zarr.emulator.server import Emulator

from .conftest import PLANTED_SECRET, collections_named, spec

pytestmark = pytest.mark.e2e

OTHER_ID, OTHER_SECRET = "cdse-client", "PLANTED-cdse-s3cr3t-77a1"


def test_collections_of_one_program_live_in_the_deployments_their_profiles_name(
    stack_factory, emu, api, buckets, tmp_path
):
    with Emulator(buckets, clients={OTHER_ID: OTHER_SECRET}, ingest_delay=0.3) as cdse:
        home = tmp_path / "xdg"
        (home / "sentinelhub").mkdir(parents=True)
        (home / "sentinelhub" / "config.toml").write_text(
            f'[cdse]\nsh_client_id = "{OTHER_ID}"\nsh_client_secret = "{OTHER_SECRET}"\n'
            f'sh_base_url = "{cdse.url}"\n'
        )
        eu_name, cdse_name = unique("eu"), unique("cdse")
        stack = stack_factory(env={"XDG_CONFIG_HOME": str(home)})
        stack.collections({"eu": spec(eu_name), "cdse": spec(cdse_name, profile="cdse")})
        stack.up()
        out = stack.outputs()
        other = ZarrApi(cdse.url, cdse.token_url, OTHER_ID, OTHER_SECRET)
        try:
            assert [c["id"] for c in collections_named(api, eu_name)] == [out["eu"]["id"]]
            assert [c["id"] for c in collections_named(other, cdse_name)] == [out["cdse"]["id"]]
            assert collections_named(api, cdse_name) == []
            state = json.dumps(stack.export())
            assert OTHER_SECRET not in state and PLANTED_SECRET not in state
            assert '"profile": "cdse"' in state  # only the name is stored
            stack.refresh()
            stack.destroy()
            assert collections_named(other, cdse_name) == [] == collections_named(api, eu_name)
        finally:
            other.close()
        assert not any(OTHER_SECRET in text for text in stack.transcript)
