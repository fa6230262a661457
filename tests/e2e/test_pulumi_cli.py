"""The real thing: `pulumi up/preview/refresh/destroy` of the quickstart against the emulator.

Runs only where the `pulumi` CLI is on PATH (the engine binary can't be installed on the
project's CI machines); elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

PULUMI = shutil.which("pulumi")
REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        PULUMI is None,
        reason="the pulumi CLI is not on PATH (no registry here ships the engine binary); "
        "install it from pulumi.com to run this end-to-end test",
    ),
]


def _pulumi(workdir: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PULUMI, *args, "--non-interactive"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"pulumi {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_quickstart_lifecycle_with_the_cli(tmp_path, emulator, buckets_dir, write_cube):
    write_cube(buckets_dir / "demo-bucket" / "cubes" / "demo.zarr")
    project = tmp_path / "project"
    shutil.copytree(REPO / "examples" / "quickstart", project)
    (project / "requirements.txt").unlink(missing_ok=True)  # installed here already (see below)
    # Use this interpreter's environment (pulumi_zarr installed) instead of a fresh venv.
    (project / "Pulumi.yaml").write_text(
        "name: zarr-quickstart\nruntime:\n  name: python\n  options:\n"
        f"    toolchain: pip\n    virtualenv: {Path(sys.prefix)}\n"
    )
    backend = tmp_path / "state"
    backend.mkdir()
    env = {
        **os.environ,
        "PULUMI_BACKEND_URL": f"file://{backend}",
        "PULUMI_CONFIG_PASSPHRASE": "e2e-passphrase",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
    }
    run = lambda *a: _pulumi(project, env, *a)  # noqa: E731
    run("stack", "init", "e2e")
    for key, value in {
        "zarr-quickstart:bucket": "demo-bucket",
        "zarr-quickstart:path": "cubes/demo.zarr/",
        "zarr-quickstart:name": "E2E cube",
        "sentinelhub:baseUrl": emulator.url,
        "sentinelhub:clientId": "local",
    }.items():
        run("config", "set", key, value)
    run("config", "set", "--secret", "sentinelhub:clientSecret", "local-secret")

    run("preview")
    run("up", "--yes", "--skip-preview")
    outputs = json.loads(run("stack", "output", "--json"))
    assert outputs["status"] == "INGESTED"
    assert outputs["arrays"] == ["B1", "B2"]
    state = run("stack", "export")
    assert "local-secret" not in state

    run("config", "set", "zarr-quickstart:name", "E2E cube renamed")
    run("up", "--yes", "--skip-preview")
    assert json.loads(run("stack", "output", "--json"))["collection_id"] == outputs["collection_id"]

    run("refresh", "--yes")
    run("destroy", "--yes")
    token = requests.post(
        emulator.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": "local",
            "client_secret": "local-secret",
        },
        timeout=10,
    ).json()["access_token"]
    left = requests.get(
        f"{emulator.url}/api/v1/zarr/collections",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()["data"]
    assert left == []
