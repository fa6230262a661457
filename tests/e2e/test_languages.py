"""TypeScript and Go programs (examples/typescript, examples/go) through the real CLI, installed
and deployed by README.md's "TypeScript and Go" block, run as it is (the plugin archive installed
with `pulumi plugin install ... --file`, the SDK generated and linked by `pulumi install` from
the `packages:` entry of Pulumi.yaml, `tsc --noEmit` or `go vet`, stack, config, up), then a
rename in place and destroy against the emulator, checking what the emulator holds. The
TypeScript program also calls the package's functions on its collection: their outputs, then
a look-up by name that finds nothing and one that finds two.

The language hosts come from scripts/pulumi-languages.sh (scripts/test.sh puts them on PATH);
without them these tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from harness.measure import unique

from .conftest import (
    REPO,
    check_function_outputs,
    check_name_lookups_fail,
    collections_named,
    readme_values,
    run_readme_block,
)

pytestmark = pytest.mark.e2e

MARK = "<!-- run-by: tests/e2e/test_languages.py -->"
#: language host -> example folder, project name, the check README.md runs before `pulumi up`
PROGRAMS = {
    "nodejs": ("typescript", "zarr-typescript", "npx tsc --noEmit"),
    "go": ("go", "zarr-go", "go vet ./..."),
}
#: the languages whose example calls the package's functions (as examples/yaml-functions does)
CALLS_FUNCTIONS = {"nodejs"}


def language_host(language: str) -> None:
    """Skip (fail under CI=true) unless scripts/pulumi-languages.sh's host is on PATH."""
    found = shutil.which(f"pulumi-language-{language}")
    if found is None or not (Path(found).parent / "hosts" / Path(found).name).is_file():
        reason = f"pulumi-language-{language} of scripts/pulumi-languages.sh is not on PATH"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the {language} program: {reason}")
        pytest.skip(reason)


@pytest.mark.parametrize("language", sorted(PROGRAMS))
def test_program_up_rename_destroy(stack_factory, emu, api, buckets, language):
    language_host(language)
    folder, project, check = PROGRAMS[language]
    name = unique(folder)
    stack = stack_factory(
        REPO / "examples" / folder,
        own_project_file=True,
        stack="dev",
        env={"SH_BASE_URL": emu.url},
        init=False,
    )
    (stack.root / ".venv").symlink_to(sys.prefix)  # the block runs where `.venv` holds us
    shown = run_readme_block(
        stack,
        MARK,
        {
            **readme_values(name),
            "\npulumi up\n": "\npulumi up --yes --skip-preview\n",  # no 2nd run of the program
            "/tmp": str(stack.root),
            "cd examples/typescript": f"cd {stack.dir}",
            "npx tsc --noEmit": check,
        },
    )
    assert "Finished installing dependencies" in shown, shown
    assert (stack.dir / "sdks" / "sentinelhub").is_dir()
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
