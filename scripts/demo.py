"""The quickstart against a local emulator: deploy, rename, refresh, destroy.

With the ``pulumi`` CLI on PATH (scripts/demo.sh builds it with scripts/pulumi-cli.sh when Go
is there) this runs real ``pulumi preview/up/refresh/destroy`` on a local file backend.
Without it, it runs the quickstart program under Pulumi's mocks with every resource
registration forwarded to Pulumi's own dynamic-provider host (``python -m pulumi.dynamic``,
the process the engine starts), making the engine's gRPC calls.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from pulumi_zarr.emulator.config import DEFAULT_CLIENTS

REPO = Path(__file__).resolve().parents[1]
QUICKSTART = REPO / "examples" / "quickstart"
[(CLIENT_ID, CLIENT_SECRET)] = DEFAULT_CLIENTS.items()  # the emulator's client
SECRET_KEY = "sentinelhub:clientSecret"
BUCKET, PATH = "demo-bucket", "cubes/demo.zarr/"


def say(text: str) -> None:
    print(f"\n=== {text}", flush=True)


def show(outputs: dict[str, Any]) -> None:
    for key in sorted(outputs):
        print(f"  {key}: {json.dumps(outputs[key])}")


def quickstart_config(emulator_url: str) -> dict[str, str]:
    """The quickstart's stack configuration for the emulator, but the client secret."""
    return {
        "zarr-quickstart:bucket": BUCKET,
        "zarr-quickstart:path": PATH,
        "zarr-quickstart:name": "Demo cube",
        "sentinelhub:baseUrl": emulator_url,
        "sentinelhub:clientId": CLIENT_ID,
    }


def with_cli(pulumi: str, emulator_url: str, workdir: Path) -> None:
    from pulumi_zarr.testing.cli import Stack
    from pulumi_zarr.testing.release import release_python

    # the program runs with pulumi-zarr installed as a release installs it: with .venv's
    # editable install the language host would have the engine download a "zarr" plugin
    say("a release install of this checkout for the program (wheel, virtualenv)")
    env = {"PULUMI_PYTHON_CMD": str(release_python(workdir / "release"))}
    stack = Stack(
        pulumi, workdir, QUICKSTART, project="zarr-quickstart", stack="demo", env=env, echo=True
    )
    stack.init(quickstart_config(emulator_url), {SECRET_KEY: CLIENT_SECRET})
    say("pulumi preview")
    stack.preview()
    say("pulumi up")
    stack.up()
    say("rename: pulumi up with a new name (updates in place)")
    stack.configure({"zarr-quickstart:name": "Demo cube (renamed)"})
    stack.up()
    say("pulumi refresh")
    stack.refresh()
    say("pulumi destroy")
    stack.destroy()


def without_cli(emulator_url: str) -> None:
    from pulumi_zarr.testing import StackState, destroy, refresh, run_program, secret

    config = {**quickstart_config(emulator_url), SECRET_KEY: secret(CLIENT_SECRET)}
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
            say(f"emulator listening on {emulator.url} (client {CLIENT_ID!r} / {CLIENT_SECRET!r})")
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
