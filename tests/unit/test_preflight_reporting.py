"""The preflight input's policy, apart from running the check."""

from __future__ import annotations

from pulumi_zarr.preflight.check import Findings
from pulumi_zarr.preflight.reporting import PreflightReporter

VIOLATIONS = Findings("s3://b/c.zarr/", ["preflight: s3://b/c.zarr/: rule 2: …", "… rule 5: …"])
UNREADABLE = Findings("s3://b/gone.zarr/", ["preflight could not read …"], readable=False)


def test_error_mode_fails_on_every_finding_and_warns_about_nothing():
    warned: list[str] = []
    reporter = PreflightReporter(warned.append)
    assert reporter.failures("error", VIOLATIONS) == VIOLATIONS.lines
    assert reporter.failures("error", UNREADABLE) == UNREADABLE.lines
    assert warned == []


def test_warn_mode_warns_each_time_but_about_an_unreadable_store_once():
    warned: list[str] = []
    reporter = PreflightReporter(warned.append)
    for _ in range(2):
        assert reporter.failures("warn", VIOLATIONS) == []
        assert reporter.failures("warn", UNREADABLE) == []
    assert warned == [*VIOLATIONS.lines, *UNREADABLE.lines, *VIOLATIONS.lines]
