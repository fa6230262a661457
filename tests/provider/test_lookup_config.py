"""``get_zarr_collection`` reads the stack configuration the provider reads, in the program's
process: here the Pulumi SDK's config holds only ``sentinelhub:profile`` (issue 20), whose
sentinelhub-py profile holds the credentials of an emulator on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from emulator.helpers import create
from pulumi.runtime.config import set_all_config

from pulumi_zarr import get_zarr_collection


@pytest.fixture
def stack_config() -> Iterator[Any]:
    """``stack_config({...})``: the program's Pulumi config, emptied again afterwards."""
    yield set_all_config
    set_all_config({}, [])


def test_the_lookup_uses_the_stacks_profile(emulator, oauth, monkeypatch, tmp_path, stack_config):
    made = create(oauth, emulator.url, name="profiled")
    (tmp_path / "sentinelhub").mkdir()
    (tmp_path / "sentinelhub" / "config.toml").write_text(
        f'[emu]\nsh_client_id = "local"\nsh_client_secret = "local-secret"\n'
        f'sh_base_url = "{emulator.url}"\n'
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    for var in ("SH_CLIENT_ID", "SH_CLIENT_SECRET", "SH_BASE_URL", "SH_TOKEN_URL", "SH_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    stack_config({"sentinelhub:profile": "emu"})
    found = get_zarr_collection(name="profiled")
    assert (found["id"], found["name"]) == (made["id"], "profiled")
