"""The native plugin (``python -m pulumi_zarr.native``) as the engine drives it, one per module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from harness.fixtures import RecordingHost


@pytest.fixture(scope="module")
def native(sh_config: Any) -> Iterator[Any]:
    """The plugin, configured with the module's emulator settings."""
    with RecordingHost.native() as host:
        host.configure(sh_config)
        yield host
