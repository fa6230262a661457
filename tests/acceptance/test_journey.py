"""The acceptance journey: a user's collection from create to destroy through the real CLI, on
one stack, against the emulator in S3 mode (CI) or the real service (README: Acceptance suite).

Steps: the bucket checks at preview (preflight 'error': a missing policy, then a wrong region,
each naming the problem; Target.bucket_checks), create once the policy is granted, rename,
re-ingest, refresh after a rename outside Pulumi, adopt a collection made outside Pulumi
(`import_id`), one FAILED ingestion, destroy. Whatever happens, the cleanup destroys the stack,
deletes every collection named with the run's prefix, removes the stores it wrote and puts the
buckets' policies back as they were.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pulumi_zarr.crs import crs_url
from pulumi_zarr.testing.cli import CliError, Stack

from .report import Journey
from .targets import CLIENT_SECRET, FAILING, GOOD, Target, key, line_with, opted_in

#: The service ingests at its own pace (the journey waits for three ingestions); the emulator
#: in S3 mode takes about a minute of CPU.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(5400 if opted_in() else 600)]

PROGRAM = Path(__file__).resolve().parents[1] / "e2e" / "program"
PROJECT = "zarr-acceptance"
CRS = crs_url(4326)


def test_the_journey(target: Target, pulumi_cli: str, tmp_path: Path, program_python: Path) -> None:
    journey = Journey(target.label, strict=target.is_emulator)
    env = {**target.env, "PULUMI_PYTHON_CMD": str(program_python)}
    stack = Stack(pulumi_cli, tmp_path / "ws", PROGRAM, project=PROJECT, env=env)
    api = target.api()
    try:
        target.write_stores()
        stack.init(target.stack_config(), {key("client_secret"): target.client_secret})
        _walk(journey, stack, api, target)
    except BaseException as error:
        journey.failure = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise
    finally:
        _clean_up(journey, stack, api, target)
        print(journey.report())
        leaked = target.client_secret in "\n".join(stack.transcript)
        assert not leaked, f"{CLIENT_SECRET.variable} in the CLI output"
    assert not journey.differences, journey.report()


def _walk(journey: Journey, stack: Stack, api: Any, target: Target) -> None:
    name = f"{target.prefix} cube"
    cube = {"name": name, "s3_bucket": target.bucket, "path": target.path(GOOD), "crs": CRS,
            "preflight": "error"}  # fmt: skip
    target.bucket_checks(journey, stack, cube)

    journey.step("create")
    stack.collections({"cube": cube})
    stack.up()
    made = stack.outputs()["cube"]
    journey.expect("status", made["status"], "INGESTED")
    journey.expect("arrays", made["array_names"], ["B1", "B2"])
    journey.expect("ingestion errors", made["ingestion_errors"], None)
    journey.expect("collections of that name", [c["id"] for c in api.named(name)], [made["id"]])

    journey.step("rename")
    renamed = f"{name} renamed"
    stack.collections({"cube": {**cube, "name": renamed}})
    shown = stack.up().stdout
    journey.expect("the update shown", "[diff: ~name]" in shown, True)
    journey.expect("same collection", stack.outputs()["cube"]["id"], made["id"])
    journey.expect("name on the service", (api.get(made["id"]) or {}).get("name"), renamed)

    journey.step("re-ingest")
    cube = {**cube, "name": renamed, "reingest_trigger": "2026-12-05"}
    stack.collections({"cube": cube})
    shown = stack.up().stdout
    journey.expect("the update shown", "[diff: +reingest_trigger]" in shown, True)
    after = stack.outputs()["cube"]
    journey.expect("same collection", after["id"], made["id"])
    journey.expect("status", after["status"], "INGESTED")

    journey.step("refresh")
    api.rename(made["id"], f"{name} by hand")
    shown = stack.refresh("--diff").stdout
    journey.expect("the drift shown", f"{name} by hand" in shown, True)
    journey.expect("the refresh counted", "1 updated" in shown, True)
    [held] = [r for r in stack.resources() if r["urn"].endswith("::cube")]
    journey.expect("name in the state", held["outputs"].get("name"), f"{name} by hand")

    journey.step("import")
    outside = api.create(f"{target.prefix} adopted", target.bucket, target.path(GOOD), CRS)
    api.wait_final(outside["id"], timeout=target.ingest_seconds)
    adopted = {"name": outside["name"], "s3_bucket": target.bucket, "path": target.path(GOOD),
               "crs": CRS, "import_id": outside["id"]}  # fmt: skip
    stack.collections({"cube": cube, "adopted": adopted})
    shown = stack.up().stdout  # also renames "cube" back
    journey.expect("the rename back shown", "[diff: ~name]" in shown, True)
    outputs = stack.outputs()
    journey.expect("adopted id", outputs["adopted"]["id"], outside["id"])
    journey.expect("collections of that name", len(api.named(outside["name"])), 1)
    journey.expect("name renamed back", (api.get(made["id"]) or {}).get("name"), renamed)

    journey.step("failed ingestion")
    broken = {"name": f"{target.prefix} broken", "s3_bucket": target.bucket,
              "path": target.path(FAILING), "crs": CRS}  # fmt: skip
    stack.collections({"cube": cube, "adopted": adopted, "broken": broken})
    shown = stack.up(ok=False).text
    journey.expect("the failure shown", "failed to ingest" in shown, True)
    journey.expect("left behind", "was deleted, so nothing is left behind" in shown, True)
    journey.expect("collections of that name", api.named(broken["name"]), [])
    journey.note(line_with(shown, "failed to ingest"))

    journey.step("destroy")
    stack.collections({"cube": cube, "adopted": adopted})
    stack.destroy()
    journey.expect("collections of the run", _ours(api, target), [])
    journey.expect("resources in the state", stack.resources(), [])


def _clean_up(journey: Journey, stack: Stack, api: Any, target: Target) -> None:
    """Delete everything the run made, whatever state it stopped in."""
    try:
        if stack.resources():
            stack.run("state", "unprotect", "--all", "--yes", ok=None)
            stack.destroy(ok=None)
    except (CliError, json.JSONDecodeError, KeyError) as error:  # no stack, no state
        journey.notes.append(f"- cleanup: {error}")
    for leftover in _ours(api, target):
        journey.notes.append(f"- cleanup: deleted {leftover['id']} ({leftover['name']})")
        api.delete(leftover["id"])
    try:
        target.remove_stores()
    finally:
        target.restore_policies()
        api.close()


def _ours(api: Any, target: Target) -> list[dict[str, Any]]:
    return [c for c in api.list(search=target.prefix) if c["name"].startswith(target.prefix)]
