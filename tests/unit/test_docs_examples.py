"""docs/_index.md and docs/installation-configuration.md, the registry-style pages: each code
block marked ``<!-- example: PATH -->`` is the file PATH of this repository as it is, and the
install commands are README.md's (which tests/e2e/test_languages.py runs)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MARKED = re.compile(r"<!-- example: (\S+) -->\n```\w+\n(.*?)```\n", re.S)


def test_index_examples_are_the_tested_files():
    page = (REPO / "docs" / "_index.md").read_text()
    found = MARKED.findall(page)
    assert {path for path, _ in found} == {
        "examples/typescript/index.ts",
        "examples/go/main.go",
        "examples/yaml/Pulumi.yaml",
        "examples/quickstart/__main__.py",
    }
    for path, text in found:
        assert text == (REPO / path).read_text(), f"docs/_index.md: the {path} block drifted"


def test_install_commands_are_the_readmes():
    page = (REPO / "docs" / "installation-configuration.md").read_text()
    readme = (REPO / "README.md").read_text()
    commands = [
        line
        for block in re.findall(r"```bash\n(.*?)```", page, re.S)
        for line in block.splitlines()
        if line.startswith((".venv/bin/python -m pulumi_zarr", "export PULUMI_", "pulumi "))
    ]
    assert len(commands) >= 5
    for line in commands:
        assert line in readme, f"docs/installation-configuration.md: {line!r} is not README.md's"


def test_measured_figures_have_one_home():
    """docs/benchmarks.md holds the figures; README.md quotes two of them (to choose a provider),
    the same; CHANGELOG.md points there and states none."""
    table = (REPO / "docs" / "benchmarks.md").read_text()
    native = re.search(
        r"^\| native: `pulumi up` of 20 . 5 s ingestion.*\((\S+) s\) \|$", table, re.M
    )
    dynamic = re.search(
        r"^\| dynamic: the same `up`, wall / 5 s floor .*\((\S+) s\) \|$", table, re.M
    )
    assert native and dynamic, "docs/benchmarks.md: the native and dynamic rows moved"
    readme = (REPO / "README.md").read_text()
    quoted = re.search(
        r"\(20 ingestions of 5 s:\s+(\S+) s through the dynamic resource, (\S+) s through the "
        r"native one; see\s+\[Benchmarks\]\(docs/benchmarks\.md\)\)",
        readme,
    )
    assert quoted, "README.md: the Dynamic or native? figures moved"
    assert quoted.groups() == (dynamic.group(1), native.group(1))
    changelog = (REPO / "CHANGELOG.md").read_text()
    assert "docs/benchmarks.md" in changelog
    assert not re.search(r"\b\d+\.\d s\b", changelog), "CHANGELOG.md states a measured figure"


def test_the_readmes_scale_table_is_the_benchmarks_last_run():
    """README.md's "At scale" quotes the last scale run of docs/benchmarks.md (its "after"
    values and floors): the figures live there."""
    page = (REPO / "docs" / "benchmarks.md").read_text()
    last = page[page.index("**After, the last changes**") :]
    table = last.split("\n\n| N | kind | floor")[0]
    measured = {
        (n, kind): [cell.strip() for cell in rest.split("|")]
        for n, kind, rest in re.findall(r"^\| (\d+) \| ([\w-]+) \|(.*)\|$", table, re.M)
    }
    # columns after N and kind: up, refresh, refresh again, destroy, program, plugin, engine,
    # all client, ...
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("### At scale") : readme.index("### Let the engine find")]
    rows = re.findall(r"^\| ([\d,]+) \| (dynamic|native) \|(.*)\|$", section, re.M)
    assert len(rows) == 6, "README.md: the At scale table moved"
    for n, kind, rest in rows:
        n = n.replace(",", "")
        ours, floor = measured[(n, kind)], measured[(n, "noop")]
        up, cpu, _, first, later = (cell.strip() for cell in rest.split("|"))
        assert up.endswith(f"→ {ours[0]} ({floor[0]})"), (n, kind, up)
        assert cpu.endswith(f"→ {ours[7]} ({floor[7]})"), (n, kind, cpu)
        assert first.endswith(f"→ {ours[1]} ({floor[1]})"), (n, kind, first)
        assert later == f"{ours[2]} ({floor[2]})", (n, kind, later)
