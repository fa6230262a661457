"""The configuration table (``pulumi_zarr/api/config.py``): consistent with ``Settings``, and
the README's copy of it generated from it."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

from pulumi_zarr.api.config import CONNECTION, SETTINGS
from pulumi_zarr.api.settings import Settings

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "config_table.py"


def test_the_readme_table_is_the_generated_one():
    spec = importlib.util.spec_from_file_location("config_table", SCRIPT)
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    text = script.README.read_text()
    assert script.with_table(text) == text, "README's table is stale: run scripts/config_table.py"


def test_each_setting_is_declared_once_and_secret_where_settings_hides_it():
    for attr in ("name", "key", "variable"):
        values = [getattr(s, attr) for s in SETTINGS if getattr(s, attr)]
        assert len(values) == len(set(values)), attr
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    assert {s.name for s in CONNECTION} <= set(fields)
    assert {s.name for s in SETTINGS if s.secret} == {n for n, f in fields.items() if not f.repr}
