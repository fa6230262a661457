"""Three Zarr collections created, listed and destroyed from a Python script with Pulumi's
Automation API: an inline program (a function, no project folder of yours) on a local backend.

The collections are ``NativeZarrCollection``s, served by the ``pulumi-resource-sentinelhub``
plugin that ``pip install pulumi-zarr`` puts beside this interpreter. The dynamic
``ZarrCollection`` cannot run in an inline program (pulumi/pulumi#7960; README: "Automation
API"); ``--dynamic`` tries it, to show what happens.

The provider reads its settings from the environment: ``SH_CLIENT_ID``, ``SH_CLIENT_SECRET`` and
``SH_BASE_URL`` (or a sentinelhub-py profile), so no secret reaches the stack's configuration.
The `pulumi` CLI must be on PATH.

    python examples/automation/deploy.py --bucket my-bucket --path cubes/cube.zarr/
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pulumi
from pulumi import automation as auto

PROJECT = "zarr-automation"
STACK = "dev"
CRS_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"


def program(prefix: str, bucket: str, path: str, crs: str, dynamic: bool) -> Callable[[], None]:
    """The inline program: three collections of one store, named ``<prefix> 1..3``."""

    def run() -> None:
        if dynamic:
            from pulumi_zarr import ZarrCollection as Collection
        else:
            from pulumi_zarr.native import NativeZarrCollection as Collection  # type: ignore[assignment]

        made = [
            Collection(f"cube-{i}", name=f"{prefix} {i}", s3_bucket=bucket, path=path, crs=crs)
            for i in (1, 2, 3)
        ]
        pairs = [pulumi.Output.all(c.name, c.id) for c in made]  # type: ignore[attr-defined]
        pulumi.export("collections", pulumi.Output.all(*pairs).apply(dict))

    return run


def project_file(work: Path) -> None:
    """The project: the plugin found in this interpreter's bin folder (a ``plugins:
    providers:`` entry) rather than searched for on PATH."""
    plugin_dir = Path(sys.executable).parent
    (work / "Pulumi.yaml").write_text(
        f"name: {PROJECT}\nruntime: python\n"
        f"plugins:\n  providers:\n    - name: sentinelhub\n      path: {plugin_dir}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--path", required=True, help="the Zarr store's prefix, ending in /")
    parser.add_argument("--crs", default=CRS_4326)
    parser.add_argument("--prefix", default="automation", help="the collections' names start so")
    parser.add_argument("--state", help="the local backend's folder (default: a temporary one)")
    parser.add_argument("--dynamic", action="store_true", help="the dynamic ZarrCollection")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="zarr-automation-") as scratch:
        state = Path(args.state or scratch) / "state"
        work = Path(scratch) / "project"
        state.mkdir(parents=True, exist_ok=True)
        work.mkdir()
        project_file(work)
        stack = auto.create_or_select_stack(
            stack_name=STACK,
            project_name=PROJECT,
            program=program(args.prefix, args.bucket, args.path, args.crs, args.dynamic),
            opts=auto.LocalWorkspaceOptions(
                work_dir=str(work), env_vars={"PULUMI_BACKEND_URL": f"file://{state}"}
            ),
        )
        try:
            up = stack.up(on_output=print)
            made = up.outputs["collections"].value
            print(f"created: {json.dumps(made, sort_keys=True)}")
            listed = stack.outputs()["collections"].value  # the stack's outputs, read again
            print(f"listed: {json.dumps(listed, sort_keys=True)}")
        except auto.CommandError as exc:
            print(f"up failed: {exc}", file=sys.stderr)
            stack.destroy(on_output=print)
            return 1
        stack.destroy(on_output=print)
        stack.workspace.remove_stack(STACK)
        print("destroyed: 3 collections")
    return 0


if __name__ == "__main__":
    sys.exit(main())
