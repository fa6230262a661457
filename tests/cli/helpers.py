"""The real ``pulumi-zarr`` command, run as a process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any


def command() -> list[str]:
    """The installed ``pulumi-zarr`` console script (``python -m pulumi_zarr.cli`` without)."""
    script = Path(sys.executable).with_name("pulumi-zarr")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pulumi_zarr.cli"]


def run_command(*argv: str, **popen: Any) -> subprocess.CompletedProcess[str]:
    """``pulumi-zarr argv`` as a process; stderr captured, stdout too unless given."""
    popen.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        [*command(), *argv], stderr=subprocess.PIPE, text=True, timeout=60, **popen
    )
