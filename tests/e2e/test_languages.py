"""TypeScript and Go programs (examples/typescript, examples/go) through the real CLI, installed
the way README.md's "TypeScript" and "Go" sections say: the plugin archive installed with
`pulumi plugin install ... --file`, the SDK generated and linked by `pulumi install` (the
`packages:` entry of Pulumi.yaml), the program checked (`tsc --noEmit`, `go vet`), then up,
rename in place and destroy against the emulator, checking what the emulator holds. The
TypeScript program also calls the package's functions on its collection: their outputs, then
a look-up by name that finds nothing and one that finds two.

The language hosts come from scripts/pulumi-languages.sh (scripts/test.sh puts them on PATH);
without them these tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from harness.measure import unique

import pulumi_zarr
from pulumi_zarr.native.plugin_tarball import write

from .conftest import (
    BUCKET,
    GOOD,
    REPO,
    check_function_outputs,
    check_name_lookups_fail,
    collections_named,
)

pytestmark = pytest.mark.e2e

#: language host -> example folder, project name, the check README.md runs before `pulumi up`
PROGRAMS = {
    "nodejs": ("typescript", "zarr-typescript", ["npx", "tsc", "--noEmit"]),
    "go": ("go", "zarr-go", ["go", "vet", "./..."]),
}
#: the languages whose example calls the package's functions (as examples/yaml-functions does)
CALLS_FUNCTIONS = {"nodejs"}


@pytest.fixture(scope="module")
def plugin_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("plugin"), pulumi_zarr.__version__)


def language_host(language: str) -> None:
    """Skip (fail under CI=true) unless scripts/pulumi-languages.sh's host is on PATH."""
    found = shutil.which(f"pulumi-language-{language}")
    if found is None or not (Path(found).parent / "hosts" / Path(found).name).is_file():
        reason = f"pulumi-language-{language} of scripts/pulumi-languages.sh is not on PATH"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the {language} program: {reason}")
        pytest.skip(reason)


@pytest.mark.parametrize("language", sorted(PROGRAMS))
def test_program_up_rename_destroy(stack_factory, api, buckets, plugin_archive, language):
    language_host(language)
    folder, project, check = PROGRAMS[language]
    name = unique(folder)
    stack = stack_factory(
        REPO / "examples" / folder,
        own_project_file=True,
        config={f"{project}:name": name, f"{project}:bucket": BUCKET, f"{project}:path": GOOD},
    )
    version = pulumi_zarr.__version__
    stack.run(
        "plugin", "install", "resource", "sentinelhub", version, "--file", str(plugin_archive)
    )
    installed = stack.run("install").text
    assert "Finished installing dependencies" in installed, installed
    assert (stack.dir / "sdks" / "sentinelhub").is_dir()
    checked = subprocess.run(check, cwd=stack.dir, env=stack.env, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    shown = stack.up().stdout
    assert "sentinelhub:index:ZarrCollection" in shown and "created" in shown, shown
    out = stack.outputs()
    assert out["status"] == "INGESTED" and out["arrayNames"] == ["B1", "B2"], out
    [held] = collections_named(api, name)
    assert held["id"] == out["collectionId"]
    if language in CALLS_FUNCTIONS:
        check_function_outputs(out, buckets)

    stack.configure({f"{project}:name": name + " renamed"})
    shown = stack.up().stdout
    assert "[diff: ~name]" in shown, shown
    assert stack.outputs()["collectionId"] == held["id"]
    assert [c["id"] for c in collections_named(api, name + " renamed")] == [held["id"]]
    if language in CALLS_FUNCTIONS:
        check_name_lookups_fail(stack, api, name + " renamed")

    stack.destroy()
    assert collections_named(api, name + " renamed") == []


def test_readme_shows_these_commands():
    """README.md's "TypeScript and Go" block holds the commands the test above runs."""
    readme = (REPO / "README.md").read_text()
    block = readme.split("### TypeScript and Go", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    version = pulumi_zarr.__version__
    for command in (
        "python -m pulumi_zarr.native.plugin_tarball",
        f"pulumi plugin install resource sentinelhub {version} --file",
        "pulumi install",
        *(" ".join(check) for _, _, check in PROGRAMS.values()),
        "pulumi config set-all",
        "pulumi up",
    ):
        assert command in block, f"README.md's TypeScript and Go block lacks {command!r}"
    for folder, _, _ in PROGRAMS.values():
        packages = (REPO / "examples" / folder / "Pulumi.yaml").read_text()
        assert f"sentinelhub: sentinelhub@{version}" in packages, folder
