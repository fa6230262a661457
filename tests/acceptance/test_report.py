"""The acceptance suite's own parts without the CLI: the report against the service (soft)
and the emulator (strict), and the opt-in switch's message when something is missing."""

from __future__ import annotations

import pytest

from .report import Journey
from .targets import BUCKET_VARIABLE, SWITCH, service_target


def test_against_the_service_differences_are_listed_not_raised() -> None:
    journey = Journey("the service: test", strict=False)
    journey.step("create")
    assert journey.expect("status", "INGESTED", "INGESTED")
    assert not journey.expect("arrays", ["B1"], ["B1", "B2"])
    journey.note("service wording")
    report = journey.report()
    assert "where the service differed from the emulator (1):" in report
    assert "- create: arrays: the emulator gives ['B1', 'B2'], the service ['B1']" in report
    assert "seen, not compared:\n- create: service wording" in report


def test_against_the_emulator_a_difference_fails_at_once() -> None:
    journey = Journey("the emulator", strict=True)
    journey.step("rename")
    with pytest.raises(AssertionError, match="rename: name: expected 'b', got 'a'"):
        journey.expect("name", "a", "b")


def test_the_switch_names_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SWITCH, "service")
    for variable in ("SH_CLIENT_ID", "SH_CLIENT_SECRET", BUCKET_VARIABLE):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("SH_CLIENT_ID", "someone")
    with pytest.raises(RuntimeError) as caught:
        service_target()
    message = str(caught.value)
    assert f"needs SH_CLIENT_SECRET, {BUCKET_VARIABLE}" in message
    assert "sentinel-hub-eu, sentinel-hub-us-west, cdse" in message
    monkeypatch.setenv("SH_CLIENT_SECRET", "s")
    monkeypatch.setenv(BUCKET_VARIABLE, "b")
    monkeypatch.setenv("PULUMI_ZARR_ACCEPTANCE_DEPLOYMENT", "mars")
    with pytest.raises(ValueError, match="unknown deployment 'mars'; known: sentinel-hub-eu"):
        service_target()
