"""README.md's "Start a project from the template" block, run as it is with the real CLI:
`pip wheel` of the checkout, `pulumi new` from templates/zarr-python (dependencies installed by
the language host, a stack made, config saved), the secret, then `up` against the emulator
(destroy: the journeys). Offline: PIP_NO_INDEX, with wheels made of this environment's own
packages standing in for PyPI (harness.release.repack)."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from harness.measure import unique
from harness.release import repack, requirement_closure

from pulumi_zarr.testing.cli import Stack
from pulumi_zarr.testing.release import copy_source

from .conftest import (
    BUCKET,
    CLIENT_ID,
    GOOD,
    PLANTED_SECRET,
    REPO,
    collections_named,
    download_env,
    downloads_asked,
    run_readme_block,
)

pytestmark = pytest.mark.e2e

TEMPLATE = REPO / "templates" / "zarr-python"


def template_defaults() -> dict[str, str]:
    config = yaml.safe_load((TEMPLATE / "Pulumi.yaml").read_text())["template"]["config"]
    return {key: spec["default"] for key, spec in config.items() if "default" in spec}


MARK = "<!-- run-by: tests/e2e/test_template.py -->"


def test_the_readme_block_makes_a_project_that_deploys(
    pulumi_cli, tmp_path, emu, api, plugin_server
):
    name = unique("template")
    # what differs from the README: the emulator's settings, and --yes without a terminal
    substitutions = {
        "my-bucket": BUCKET,
        "path-to-zarr.zarr/": GOOD,
        "<id>": f"{CLIENT_ID} --config name='{name}'",
        "https://services.sentinel-hub.com": emu.url,
        "\npulumi up\n": "\npulumi up --yes\n",
    }
    checkout = copy_source(tmp_path / "checkout")  # `pip wheel .` builds there
    shutil.copytree(TEMPLATE, checkout / "templates" / "zarr-python")
    (checkout / ".venv").symlink_to(sys.prefix)
    pypi = tmp_path / "pypi"  # the stand-in: pulumi-zarr's requirements, pip, setuptools, wheel
    pypi.mkdir()
    for dist in requirement_closure("pulumi-zarr", "pip", "setuptools", "wheel"):
        if dist.metadata["Name"] != "pulumi-zarr":
            repack(dist, pypi)

    downloads_asked(plugin_server)
    stack = Stack(pulumi_cli, tmp_path, None, stack="dev", env=download_env(plugin_server))
    stack.dir = tmp_path / "my-zarr"
    own_bin = str(Path(sys.executable).parent)  # python3 must not be this environment's
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != own_bin)
    env = {**stack.env, "PATH": path, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(pypi)}
    shown = run_readme_block(stack, MARK, substitutions, cwd=checkout, env=env)
    assert "Your new project is ready to go!" in shown
    assert re.search(r"Successfully installed .*pulumi-zarr-", shown)

    project = (stack.dir / "Pulumi.yaml").read_text()
    assert "name: my-zarr" in project and "\ntemplate:" not in project
    stack.env["PULUMI_PYTHON_CMD"] = str(stack.dir / ".venv" / "bin" / "python")
    out = stack.outputs()
    assert out["status"] == "INGESTED" and out["arrays"] == ["B1", "B2"]
    assert out["data_type"] == f"zarr-{out['collection_id']}"
    [held] = collections_named(api, name)
    assert (held["id"], held["crs"]) == (out["collection_id"], template_defaults()["crs"])
    assert PLANTED_SECRET not in "\n".join(stack.transcript)
    assert downloads_asked(plugin_server) == []
