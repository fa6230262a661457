"""The README's configuration table, generated from ``pulumi_zarr/api/config.py``.

``python scripts/config_table.py`` rewrites the table between the README's
``<!-- config-table: … -->`` markers; ``--check`` only says whether it is stale (exit 1).
tests/unit/test_config.py fails when the committed README differs from the generated table.
"""

from __future__ import annotations

import re
import sys
from dataclasses import fields
from pathlib import Path

from pulumi_zarr.api.config import SETTINGS, Reader
from pulumi_zarr.api.settings import Settings

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- config-table: begin -->\n", "<!-- config-table: end -->\n"


def table() -> str:
    """One row per setting: its stack key, variable, default and who reads it."""
    defaults = {f.name: f.default for f in fields(Settings)}
    rows = ["| stack config | environment | default | read by |", "|---|---|---|---|"]
    for s in SETTINGS:
        key = f"`{s.key}`" + (" (set it with `--secret`)" if s.secret else "") if s.key else "—"
        default = s.default or f"`{defaults[s.name]}`"
        if s.bounds:
            default += f", {s.bounds.low:g} to {s.bounds.high:g} {s.bounds.unit}"
        readers = ", ".join(r.value for r in Reader if r in s.readers)
        rows.append(f"| {key} | `{s.variable}` | {default} | {readers} |")
    return "\n".join(rows) + "\n"


def with_table(text: str) -> str:
    """``text`` (the README) with the table between its markers generated anew."""
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise ValueError(f"the README has no {BEGIN.strip()} … {END.strip()} markers")
    return pattern.sub(lambda _: BEGIN + table() + END, text)


def main(argv: list[str]) -> int:
    text = README.read_text()
    fresh = with_table(text)
    if "--check" in argv:
        return int(fresh != text)
    README.write_text(fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
