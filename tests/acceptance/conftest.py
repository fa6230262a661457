"""Fixtures of the acceptance journey: the target (the emulator in S3 mode, as
`pulumi-zarr emulator --s3` starts it, unless the switch says ``service``), and the CLI
(tests/e2e's: on CI it never skips)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from e2e.conftest import pulumi_cli  # noqa: F401  (a fixture)

from .targets import Target, emulator_target, opted_in, service_target


@pytest.fixture
def target() -> Iterator[Target]:
    if opted_in():
        yield service_target()
        return
    with emulator_target() as found:
        yield found
