"""The package as users install it, a wheel in site-packages, through the real CLI with
automatic plugin acquisition on, as users have it.

Every other real-CLI test runs the editable install with acquisition off (see
``pulumi_zarr.testing.cli.BASE_ENV``): an editable install hides ``pulumi-plugin.json`` from
the language host's `pip list`, and the host would try to download a "zarr" plugin, which does
not exist, for the `pulumi-zarr` package. This test shows what users of the wheel meet.
"""

from __future__ import annotations

import pytest
from harness.measure import unique
from harness.release import build_wheel, copy_source, release_venv

from .conftest import collections_named, spec

pytestmark = pytest.mark.e2e


def test_the_installed_wheel_asks_the_engine_for_no_plugin(stack_factory, api, tmp_path):
    wheel = build_wheel(copy_source(tmp_path / "source"), tmp_path / "dist")
    python = release_venv(wheel, tmp_path / "venv")
    env = {"PULUMI_PYTHON_CMD": str(python), "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "false"}
    stack = stack_factory(env=env)
    name = unique("wheel")
    stack.collections({"cube": spec(name)})
    shown = stack.preview("-v=7", "--logtostderr").text
    assert "ensurePluginsAreInstalled(): beginning" in shown  # acquisition ran
    assert "EnsurePluginsAreInstalled(): completed" in shown
    assert "plugin zarr" not in shown and "installPlugin(zarr" not in shown, [
        line for line in shown.splitlines() if "zarr" in line and "plugin" in line.lower()
    ][:3]
    stack.up()
    assert len(collections_named(api, name)) == 1
    stack.destroy()
    assert collections_named(api, name) == []
