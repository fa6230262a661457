"""The configuration table (``pulumi_zarr/api/config.py``): consistent with ``Settings``, and
the README's copy of it generated from it."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

from pulumi_zarr.api.config import CONNECTION, SETTINGS
from pulumi_zarr.api.settings import Settings

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "readme_tables.py"


def test_the_readme_tables_are_the_generated_ones():
    spec = importlib.util.spec_from_file_location("readme_tables", SCRIPT)
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    text = script.README.read_text()
    assert script.with_tables(text) == text, "a README table is stale: run scripts/readme_tables.py"


def test_each_setting_is_declared_once_and_secret_where_settings_hides_it():
    for attr in ("name", "key", "variable"):
        values = [getattr(s, attr) for s in SETTINGS if getattr(s, attr)]
        assert len(values) == len(set(values)), attr
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    assert {s.name for s in CONNECTION} <= set(fields)
    assert {s.name for s in SETTINGS if s.secret} == {n for n, f in fields.items() if not f.repr}
