"""The README's generated tables: the provider configuration (``pulumi_zarr/api/config.py``)
and the resource's inputs (``pulumi_zarr/collection/spec.py``).

``python scripts/readme_tables.py`` rewrites each table between its README markers
(``<!-- config-table: … -->``, ``<!-- inputs-table: … -->``); ``--check`` only says whether one is
stale (exit 1). tests/unit/test_config.py fails when the committed README differs.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

from pulumi_zarr.api.config import SETTINGS, Reader
from pulumi_zarr.api.settings import Settings
from pulumi_zarr.collection.spec import EFFECTS, ZarrCollectionInputs, on_change
from pulumi_zarr.dynamic.codegen import type_text

README = Path(__file__).resolve().parents[1] / "README.md"


def config_table() -> str:
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


def inputs_table() -> str:
    """One row per input of the spec: its type and default, what it is, what a change does."""
    rows = ["| input | type | what it is | on change |", "|---|---|---|---|"]
    for name, info in ZarrCollectionInputs.model_fields.items():
        kind = type_text(info.annotation).replace(" | None", "")
        if info.is_required():
            kind += ", required"
        elif info.default is not None:
            kind += f", default `{info.default!r}`".replace("'", '"')
        else:
            kind += ", optional"
        rows.append(f"| `{name}` | {kind} | {info.description} | {EFFECTS[on_change(name)]} |")
    return "\n".join(rows) + "\n"


TABLES: dict[str, Callable[[], str]] = {"config-table": config_table, "inputs-table": inputs_table}


def with_tables(text: str) -> str:
    """``text`` (the README) with each table between its markers generated anew."""
    for marker, table in TABLES.items():
        begin, end = f"<!-- {marker}: begin -->\n", f"<!-- {marker}: end -->\n"
        pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise ValueError(f"the README has no {begin.strip()} … {end.strip()} markers")
        text = pattern.sub(lambda _, t=table, b=begin, e=end: b + t() + e, text)
    return text


def main(argv: list[str]) -> int:
    text = README.read_text()
    fresh = with_tables(text)
    if "--check" in argv:
        return int(fresh != text)
    README.write_text(fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
