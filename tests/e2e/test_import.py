"""What import does for the dynamic ZarrCollection with the real engine, recorded.

The engine's import Read carries no inputs, so the dynamic provider host cannot find its
provider: the `import_` option and `pulumi import TYPE NAME ID` fail (pulumi/pulumi#16175).
These tests keep that fact in view (if a future engine fixes it, they fail and the README
must change). What works: an import file whose entries carry inputs and outputs, as
`pulumi-zarr import-file` writes it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_zarr.dynamic.resource import TYPE_TOKEN

from .conftest import CLIENT_ID, PLANTED_SECRET, collections_named, spec

pytestmark = pytest.mark.e2e


def test_the_import_option_fails_for_a_dynamic_resource(stack_factory, api, existing):
    stack = stack_factory(traceback=True)  # the SDK's host fails before our provider is loaded
    stack.collections({"adopted": spec(existing["name"], options={"import_": existing["id"]})})
    shown = stack.preview(ok=False).text
    assert "KeyError: '__provider'" in shown, shown
    assert stack.resources() == []
    assert api.get(existing["id"])["name"] == existing["name"]  # untouched


def test_pulumi_import_fails_for_a_dynamic_resource(stack_factory, api, existing):
    stack = stack_factory(traceback=True)  # as above
    shown = stack.run(
        "import",
        TYPE_TOKEN,
        "adopted",
        existing["id"],
        "--yes",
        "--protect=false",
        "--generate-code=false",
        ok=False,
    ).text
    assert "KeyError: '__provider'" in shown, shown
    assert stack.resources() == []
    assert api.get(existing["id"]) is not None


def test_an_import_file_with_inputs_and_outputs_adopts_the_collection(
    stack_factory, emu, api, existing
):
    stack = stack_factory()
    # the document, written by the command line as a user would (README: Import)
    written = subprocess.run(
        [
            str(Path(sys.executable).parent / "pulumi-zarr"),
            "import-file",
            f"adopted={existing['id']}",
            "--output",
            str(stack.root / "import.json"),
            "--base-url",
            emu.url,
            "--client-id",
            CLIENT_ID,
        ],
        env={**os.environ, "SH_CLIENT_SECRET": PLANTED_SECRET},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert written.returncode == 0, written.stderr
    shown = stack.run(
        "import",
        "--file",
        str(stack.root / "import.json"),
        "--yes",
        "--protect=false",
        "--generate-code=false",
    ).stdout
    assert "1 imported" in shown, shown
    [held] = stack.resources()
    assert held["id"] == existing["id"]
    assert held["outputs"]["array_names"] == ["B1", "B2"]

    # The program that declares it as it is: no change; refresh reads it; destroy deletes it.
    stack.collections({"adopted": spec(existing["name"])})
    emu.control.reset_stats()
    previewed = stack.preview().stdout
    assert "2 unchanged" in previewed and "to update" not in previewed, previewed
    stack.up()
    assert stack.outputs()["adopted"]["id"] == existing["id"]
    assert not [r for r in emu.control.journal() if r.startswith(("POST /api", "PUT", "DELETE"))]
    stack.refresh()
    stack.destroy()
    assert collections_named(api, existing["name"]) == []
