"""Fixtures of the acceptance journey: the target (the emulator in S3 mode unless the
switch says ``service``), and the CLI (tests/e2e's: on CI it never skips)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from e2e.conftest import pulumi_cli  # noqa: F401  (a fixture)

from .targets import Target, emulator_target, opted_in, service_target


@pytest.fixture
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    if opted_in():
        yield service_target()
        return
    s3 = request.getfixturevalue("s3")  # moto's S3 server, tests/harness/s3.py
    with emulator_target(s3) as found:
        yield found
