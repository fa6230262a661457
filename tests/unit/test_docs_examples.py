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
        if line.startswith(("python -m pulumi_zarr", "pulumi "))
    ]
    assert len(commands) >= 4
    for line in commands:
        assert line in readme, f"docs/installation-configuration.md: {line!r} is not README.md's"
