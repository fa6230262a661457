"""Every shell block of README.md and docs/ has an entry here saying which test runs it, so a
new or changed block fails until someone says how it is tested.

- ``Literal(test)``: the test reads the block (after its ``<!-- run-by: FILE[#PART] -->``
  marker) and runs its text, with the substitutions it declares; so it cannot differ from what runs.
- ``Checked(test)``: the test runs the commands itself and asserts the block holds each of them.
- ``Gap(reason)``: no test runs it yet; the reason says why (placeholders, the real service, a
  script that is itself the thing run). Each is known work, not a pass.

An entry is keyed by the block's file and the first 12 hex digits of the sha256 of its text:
editing a block fails this test until the entry is looked at again and its hash updated.
Expensive blocks are run once, by the test named; nothing here runs them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"(?:<!-- run-by: (\S+) -->\n)?```(?:bash|sh|shell|console)\n(.*?)```", re.S)


@dataclass(frozen=True)
class Literal:
    test: str


@dataclass(frozen=True)
class Checked:
    test: str


@dataclass(frozen=True)
class Gap:
    reason: str


CREDENTIALS = "needs the user's own ids (<id>, <secret>); the e2e stacks set these keys"
REGISTRY: dict[tuple[str, str], Literal | Checked | Gap] = {
    ("README.md", "220e24a775f7"): Gap("placeholder URL: no public repository or release yet"),
    ("README.md", "3406a21d0159"): Gap(CREDENTIALS),
    ("README.md", "8e599b332924"): Gap(
        "tests/e2e/test_import.py runs import-file and `pulumi import --file`, text not compared"
    ),
    ("README.md", "fe3dc94ea2ed"): Literal(
        "tests/e2e/test_native_yaml.py::test_preview_up_rename_replace_refresh_destroy"
    ),
    ("README.md", "9aaf39cdf3b9"): Literal(
        "tests/e2e/test_languages.py::test_program_up_rename_destroy"
    ),
    ("README.md", "6031dc2351f1"): Literal(
        "tests/e2e/test_native_yaml.py::test_pulumi_import_adopts_a_collection_and_writes_the_program"
    ),
    ("README.md", "ea1c2f62acd0"): Literal(
        "tests/e2e/test_native_python.py::test_a_dynamic_stack_moves_by_state_delete_and_import"
    ),
    ("README.md", "38ce987c2d36"): Gap("drift tests regenerate the files; not compared"),
    ("README.md", "5d58bf2941af"): Gap(CREDENTIALS),
    ("README.md", "290dbc9941ed"): Gap("tests/preflight/test_cli.py runs validate, not compared"),
    ("README.md", "e4da3ed34fbc"): Gap("examples/aws-bucket needs AWS; checked with mocks only"),
    ("README.md", "44a4126bdb94"): Gap("placeholder path; the emulator tests start it in process"),
    ("README.md", "3862cb275741"): Gap("tests/acceptance starts `emulator --s3`, not compared"),
    ("README.md", "648ed27992b1"): Gap("scripts/test.sh runs this line; no test of its own"),
    ("README.md", "848057cae81d"): Gap(CREDENTIALS),
    ("README.md", "61d764436c70"): Gap("tests/e2e/test_examples.py runs timeseries via Stack"),
    ("README.md", "35318a770627"): Literal(
        "tests/e2e/test_template.py::test_the_readme_block_makes_a_project_that_deploys"
    ),
    ("README.md", "7f3fff3ff5bb"): Gap("tests/e2e/test_policy_pack.py uses .venv-policy instead"),
    ("README.md", "0024d521b554"): Gap("the real service and an AWS bucket: opt-in only"),
    ("docs/benchmarks.md", "d37d463575da"): Gap("on demand: the benchmarks themselves"),
    ("docs/benchmarks.md", "4e205c549f20"): Gap("on demand: the benchmarks themselves"),
    ("docs/installation-configuration.md", "8bfaf98e7d08"): Gap("a release install; not run"),
    ("docs/installation-configuration.md", "248ae281cc16"): Checked(
        "tests/unit/test_docs_examples.py::test_install_commands_are_the_readmes"
    ),
    ("docs/installation-configuration.md", "4e109b24ffb9"): Gap(CREDENTIALS),
}


def blocks() -> dict[tuple[str, str], tuple[str | None, str]]:
    """(file, hash) -> (the run-by marker's file, the block's text), for every shell block."""
    found = {}
    for page in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        name = page.relative_to(REPO).as_posix()
        for marker, text in BLOCK.findall(page.read_text()):
            found[(name, hashlib.sha256(text.encode()).hexdigest()[:12])] = (marker or None, text)
    return found


def test_every_shell_block_has_an_entry_and_every_entry_a_block():
    found = blocks()
    missing = {key: text.splitlines()[0] for key, (_, text) in found.items() if key not in REGISTRY}
    assert not missing, f"shell blocks without an entry (new or edited): {missing}"
    assert set(REGISTRY) <= set(found), f"entries without a block: {set(REGISTRY) - set(found)}"


def test_each_named_test_exists_and_a_literal_one_reads_its_block():
    found = blocks()
    for key, entry in REGISTRY.items():
        if isinstance(entry, Gap):
            continue
        file, function = entry.test.split("::")
        source = (REPO / file).read_text()
        assert re.search(rf"^def {function}\(", source, re.M), f"{key}: {entry.test} is gone"
        marker, _ = found[key]
        if isinstance(entry, Literal):
            # a file that runs several blocks tells them apart with a #suffix
            assert marker and marker.split("#")[0] == file, f"{key}: its run-by must name {file}"
            assert f"<!-- run-by: {marker} -->" in source, f"{file} does not read its block"
        else:
            assert marker is None, f"{key}: a run-by marker on a block not run literally"
