"""examples/automation through the real `pulumi` CLI: the Automation API script creates, lists and
destroys three NativeZarrCollections against the emulator, in one run (one `up`, one
`destroy`), on a local backend of its own.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from harness.measure import unique

from pulumi_zarr.testing.cli import BASE_ENV

from .conftest import BUCKET, CLIENT_ID, GOOD, PLANTED_SECRET, download_env, downloads_asked

pytestmark = pytest.mark.e2e

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "automation" / "deploy.py"


def run_script(
    pulumi_cli: str, emu, plugin_server, tmp_path: Path, *args: str
) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "SH_"))},
        **BASE_ENV,
        **download_env(plugin_server),
        "PATH": f"{Path(pulumi_cli).parent}{os.pathsep}{os.environ['PATH']}",
        "PULUMI_HOME": str(tmp_path / "pulumi-home"),
        "SH_BASE_URL": emu.url,
        "SH_CLIENT_ID": CLIENT_ID,
        "SH_CLIENT_SECRET": PLANTED_SECRET,
    }
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--bucket", BUCKET, "--path", GOOD, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )


def test_the_script_creates_lists_and_destroys_three_collections(
    pulumi_cli, emu, plugin_server, tmp_path
):
    prefix = unique("auto")
    emu.control.reset_stats()
    downloads_asked(plugin_server)
    args = ("--prefix", prefix, "--state", str(tmp_path))
    done = run_script(pulumi_cli, emu, plugin_server, tmp_path, *args)
    shown = done.stdout + done.stderr
    assert done.returncode == 0, shown
    assert downloads_asked(plugin_server) == []
    created = json.loads(re.search(r"^created: (.*)$", shown, re.M).group(1))
    listed = json.loads(re.search(r"^listed: (.*)$", shown, re.M).group(1))
    assert sorted(created) == [f"{prefix} {i}" for i in (1, 2, 3)]
    assert listed == created
    journal = emu.control.journal()
    assert journal.count("POST /api/v1/zarr/collections") == 3
    deleted = {r.rsplit("/", 1)[-1] for r in journal if r.startswith("DELETE /api/v1/zarr/")}
    assert deleted == set(created.values())
    assert "destroyed: 3 collections" in shown
    assert PLANTED_SECRET not in shown
    state = "".join(p.read_text() for p in (tmp_path / "state").rglob("*.json"))
    assert PLANTED_SECRET not in state
