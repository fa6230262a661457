"""Fixtures of the command-line tests: the emulator's URL with only the secret in the
environment, and a runner of ``pulumi-zarr`` in this process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pulumi_zarr.cli import main


@pytest.fixture
def url(monkeypatch: pytest.MonkeyPatch, emulator: Any) -> str:
    """The emulator's URL; the secret in SH_CLIENT_SECRET, nothing else in the environment."""
    for var in ("SH_CLIENT_ID", "SH_BASE_URL", "SH_TOKEN_URL", "SH_ZARR_API_PREFIX"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SH_CLIENT_SECRET", "local-secret")
    return str(emulator.url)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """``run(*argv)``: ``pulumi-zarr argv`` → (exit status, stdout, stderr)."""

    def call(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return call
