"""The quickstart against a local emulator: deploy, rename, refresh, destroy.

With the ``pulumi`` CLI on PATH this runs real ``pulumi up/refresh/destroy`` on a local file
backend. Without it, it runs the quickstart program under Pulumi's mocks with every resource
registration forwarded to Pulumi's own dynamic-provider host (``python -m pulumi.dynamic``,
the process the engine starts), making the engine's gRPC calls — the same path the
engine-protocol tests take.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
QUICKSTART = REPO / "examples" / "quickstart"
BUCKET, PATH = "demo-bucket", "cubes/demo.zarr/"


def say(text: str) -> None:
    print(f"\n=== {text}", flush=True)


def show(outputs: dict[str, Any]) -> None:
    for key in sorted(outputs):
        print(f"  {key}: {json.dumps(outputs[key])}")


def with_cli(pulumi: str, emulator_url: str, workdir: Path) -> None:
    project = workdir / "project"
    shutil.copytree(QUICKSTART, project)
    (project / "Pulumi.yaml").write_text(
        "name: zarr-quickstart\nruntime:\n  name: python\n  options:\n"
        f"    toolchain: pip\n    virtualenv: {sys.prefix}\n"
    )
    (workdir / "state").mkdir()
    env = {
        **os.environ,
        "PULUMI_BACKEND_URL": f"file://{workdir / 'state'}",
        "PULUMI_CONFIG_PASSPHRASE": "demo",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
    }

    def run(*args: str, capture: bool = False) -> str:
        print("$ pulumi " + " ".join(args), flush=True)
        done = subprocess.run(
            [pulumi, *args], cwd=project, env=env, text=True, capture_output=capture, check=True
        )
        return done.stdout if capture else ""

    run("stack", "init", "demo")
    for key, value in {
        "zarr-quickstart:bucket": BUCKET,
        "zarr-quickstart:path": PATH,
        "zarr-quickstart:name": "Demo cube",
        "sentinelhub:baseUrl": emulator_url,
        "sentinelhub:clientId": "local",
    }.items():
        run("config", "set", key, value)
    run("config", "set", "--secret", "sentinelhub:clientSecret", "local-secret")
    say("pulumi up")
    run("up", "--yes")
    show(json.loads(run("stack", "output", "--json", capture=True)))
    say("rename: pulumi up with a new name (updates in place)")
    run("config", "set", "zarr-quickstart:name", "Demo cube (renamed)")
    run("up", "--yes")
    say("pulumi refresh")
    run("refresh", "--yes")
    say("pulumi destroy")
    run("destroy", "--yes")


def without_cli(emulator_url: str) -> None:
    from pulumi_zarr.testing import StackState, destroy, refresh, run_program, secret

    config = {
        "zarr-quickstart:bucket": BUCKET,
        "zarr-quickstart:path": PATH,
        "zarr-quickstart:name": "Demo cube",
        "sentinelhub:baseUrl": emulator_url,
        "sentinelhub:clientId": "local",
        "sentinelhub:clientSecret": secret("local-secret"),
    }
    state = StackState()
    say("up (Check → Create through the provider host)")
    show(run_program(QUICKSTART, config, state))
    say("rename: up with a new name (Check → Diff → Update)")
    renamed = run_program(
        QUICKSTART, {**config, "zarr-quickstart:name": "Demo cube (renamed)"}, state
    )
    print(f"  steps: {state.last}  status: {renamed['status']}  id: {renamed['collection_id']}")
    say("refresh (Read)")
    for name, changed in refresh(state, config).items():
        print(f"  {name}: {'no drift' if not changed else 'changed ' + ', '.join(changed)}")
    say("destroy (Delete)")
    destroy(state, config)
    print(f"  steps: {state.last}; resources left in the state: {len(state.resources)}")


def main() -> int:
    from pulumi_zarr.emulator.samples import write_cube
    from pulumi_zarr.emulator.server import Emulator

    with tempfile.TemporaryDirectory(prefix="pulumi-zarr-demo-") as tmp:
        workdir = Path(tmp)
        buckets = workdir / "buckets"
        cube = buckets / BUCKET / PATH
        write_cube(cube, arrays=("B1", "B2", "B3"), times=3)
        say(f"wrote a sample Zarr cube (3 arrays, 3 time steps) at {cube}")
        with Emulator(buckets, ingest_delay=1.0) as emulator:
            say(f"emulator listening on {emulator.url} (client 'local' / 'local-secret')")
            pulumi = shutil.which("pulumi")
            if pulumi:
                say(f"pulumi CLI found at {pulumi}: real pulumi up/refresh/destroy")
                with_cli(pulumi, emulator.url, workdir)
            else:
                say(
                    "no pulumi CLI on PATH: running the quickstart under Pulumi's mocks, each "
                    "registration forwarded to Pulumi's dynamic provider host over gRPC, "
                    "exactly as the engine would call it"
                )
                without_cli(emulator.url)
    say("demo finished")
    return 0


if __name__ == "__main__":
    sys.exit(main())
