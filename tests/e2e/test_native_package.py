"""The native package through the real CLI: `pulumi package get-schema` asks the plugin for its
schema, and `pulumi package gen-sdk` writes Node.js and Go SDKs from the committed schema.json
(the generated code is not kept).

gen-sdk hands the generation to the language's plugin (pulumi-language-nodejs / -go), which
scripts/pulumi-languages.sh builds (the real hosts behind scripts/langhost-front, which serves
GeneratePackage with Pulumi's own generators); scripts/test.sh puts them on PATH.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import pulumi_zarr
from pulumi_zarr.testing.cli import NATIVE_PLUGIN, Stack, native_plugins

pytestmark = pytest.mark.e2e

SCHEMA = Path(pulumi_zarr.__file__).parent / "native" / "schema.json"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "yaml"


@pytest.fixture
def workspace(pulumi_cli: str, tmp_path: Path) -> Stack:
    """An isolated PULUMI_HOME (no stack needed)."""
    return Stack(pulumi_cli, tmp_path, EXAMPLE, own_project_file=True)


def test_get_schema_returns_the_committed_schema(workspace):
    plugin = native_plugins()["sentinelhub"] / NATIVE_PLUGIN
    shown = workspace.run("package", "get-schema", str(plugin))
    assert json.loads(shown.stdout) == json.loads(SCHEMA.read_text())


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nodejs", ["zarrCollection.ts", "provider.ts", "config/vars.ts", "package.json"]),
        ("go", ["sentinelhub/zarrCollection.go", "sentinelhub/provider.go"]),
    ],
)
def test_gen_sdk(workspace, tmp_path, language, expected):
    if shutil.which(f"pulumi-language-{language}") is None:
        reason = f"pulumi-language-{language} is not on PATH (bash scripts/pulumi-languages.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must generate the SDKs: {reason}")
        pytest.skip(reason)
    out = tmp_path / "sdk"
    shown = workspace.run(
        "package", "gen-sdk", str(SCHEMA), "--language", language, "--out", str(out)
    )
    assert f"SDK has been written to {out / language}" in shown.text, shown
    written = {str(p.relative_to(out / language)) for p in (out / language).rglob("*")}
    assert set(expected) <= written, sorted(written)
    resource = next((out / language).rglob(expected[0])).read_text()
    assert "sentinelhub:index:ZarrCollection" in resource
    assert "arrayNames" in resource or "ArrayNames" in resource
    assert "pulumi-python:dynamic/sentinelhub:ZarrCollection" in resource  # the alias
