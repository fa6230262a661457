"""Automatic plugin acquisition is on in every real-CLI test, as users have it, and each test
fails if the engine tried a plugin download (``stack_factory``, ``plugin_server``): the programs
run with pulumi-zarr installed from a wheel (``program_python``), whose ``pulumi-plugin.json``
("resource": false) tells the language host that the package brings no plugin.

This test shows that check failing where it should, and what users of an editable install (a
checkout's ``pip install -e``) meet: `pip list` does not show the host the file, and the host has
the engine look for a "zarr" plugin, which does not exist. The preview still succeeds.
"""

from __future__ import annotations

import sys

import pytest
from harness.measure import unique

import pulumi_zarr

from .conftest import downloads_asked, spec

pytestmark = pytest.mark.e2e


def test_an_editable_install_has_the_engine_try_to_download_a_zarr_plugin(
    stack_factory, plugin_server
):
    stack = stack_factory(env={"PULUMI_PYTHON_CMD": sys.executable})  # the test environment's
    stack.collections({"cube": spec(unique("editable"))})
    assert "+ 3 to create" in stack.preview().stdout
    asked = downloads_asked(plugin_server)
    archive = f"pulumi-resource-zarr-v{pulumi_zarr.__version__}-linux-amd64.tar.gz"
    assert asked and all(archive in line for line in asked), asked
