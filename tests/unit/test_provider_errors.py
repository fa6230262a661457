"""How the dynamic provider's errors reach the CLI: the SDK's host reports a failed call with
``traceback.format_exc()``; after ``configure`` (in the host only) that is our error's one line,
while a bug still shows where it happened (on stderr)."""

from __future__ import annotations

import sys
import traceback

import pytest

from pulumi_zarr.dynamic.provider import _reported
from pulumi_zarr.errors import ConfigurationError, ZarrCollectionError


@_reported
def fails_with_ours() -> None:
    try:
        raise ConfigurationError("the cause")
    except ConfigurationError as exc:
        raise ZarrCollectionError("Zarr collection 'cube' failed: do this") from exc


@_reported
def fails_with_a_bug() -> None:
    {}["missing"]


def reported_as_the_host_does(call: object, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(sys, "tracebacklimit", 0, raising=False)  # what configure sets
    try:
        call()  # type: ignore[operator]
    except Exception:
        return traceback.format_exc()
    raise AssertionError("no error")


def test_our_error_is_one_line(monkeypatch):
    shown = reported_as_the_host_does(fails_with_ours, monkeypatch)
    assert shown.strip() == (
        "pulumi_zarr.errors.ZarrCollectionError: Zarr collection 'cube' failed: do this"
    )


def test_a_bug_keeps_its_traceback_on_stderr(monkeypatch, capsys):
    shown = reported_as_the_host_does(fails_with_a_bug, monkeypatch)
    assert shown.strip() == "KeyError: 'missing'"
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "in fails_with_a_bug" in err
