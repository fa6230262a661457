"""The native plugin as the engine drives it: ``python -m pulumi_zarr.native`` (what
``pulumi-resource-sentinelhub`` runs) over gRPC, against the emulator.

Properties go in and come out with their wire names (camelCase); the rules behind each call are
the dynamic provider's (tests/provider), so these tests check the adaptation: names, values,
secrets, previews, import, the state a dynamic resource left, and that blocking work leaves the
plugin free to serve other calls.
"""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from harness.fixtures import (
    CLIENT_ID,
    CRS_4326,
    GOOD_BUCKET,
    GOOD_PATH,
    PLANTED_SECRET,
    timed_out,
    write_failing_cube,
)
from harness.measure import unique
from pulumi.output import Unknown

import pulumi_zarr
from pulumi_zarr.collection.spec import DEFAULTS
from pulumi_zarr.emulator.server import Emulator
from pulumi_zarr.errors import no_collection
from pulumi_zarr.native.names import field_name, wire_name
from pulumi_zarr.testing.engine import UNKNOWN, ProviderError, ProviderHost, secret

SCHEMA = Path(pulumi_zarr.__file__).parent / "native" / "schema.json"
WRITES = ("POST /api", "PUT /api", "DELETE /api")


def wire(**fields: Any) -> dict[str, Any]:
    """Inputs by wire name, from keywords by field name."""
    return {wire_name(k): v for k, v in fields.items()}


def program_inputs(**overrides: Any) -> dict[str, Any]:
    return wire(
        **{
            "name": unique("native"),
            "s3_bucket": GOOD_BUCKET,
            "path": GOOD_PATH,
            "crs": CRS_4326,
            **overrides,
        }
    )


def writes(emu: Emulator) -> list[str]:
    return [r for r in emu.control.journal() if r.startswith(WRITES)]


@pytest.fixture
def made(native, api):
    """One ingested collection created through the plugin: (id, checked inputs, outputs)."""
    inputs, failures = native.check({}, program_inputs())
    assert failures == []
    id_, outs = native.create(inputs)
    yield id_, inputs, outs
    if api.get(id_) is not None:
        api.delete(id_)


# -- the plugin --------------------------------------------------------------------------------
@pytest.mark.oldest_sdk
def test_version_and_schema(native):
    assert native.plugin_info() == pulumi_zarr.__version__
    assert native.get_schema() == json.loads(SCHEMA.read_text())


@pytest.mark.oldest_sdk
def test_configure_accepts_secrets(sh_config):
    with ProviderHost.native() as host:
        assert host.configure(sh_config) is True


def test_configure_from_environment_variables(emu, api):
    env = {"SH_CLIENT_ID": CLIENT_ID, "SH_CLIENT_SECRET": PLANTED_SECRET, "SH_BASE_URL": emu.url}
    with ProviderHost.native(env=env) as host:
        host.configure({})
        inputs, _ = host.check({}, program_inputs())
        id_, outs = host.create(inputs)
        assert api.get(id_)["name"] == inputs["name"]
        host.delete(id_, outs)
        assert api.get(id_) is None


def test_missing_credentials_fail_check_naming_both_ways(emu):
    with ProviderHost.native() as host:
        host.configure({"sentinelhub:baseUrl": emu.url})
        with pytest.raises(ProviderError) as info:
            host.check({}, program_inputs())
    for way in ("sentinelhub:clientSecret", "SH_CLIENT_SECRET"):
        assert way in info.value.details


def test_a_type_it_does_not_serve_is_refused(native):
    with pytest.raises(ProviderError) as info:
        native.check({}, program_inputs(), urn="urn:pulumi:s::p::sentinelhub:index:Other::x")
    assert "serves only sentinelhub:index:ZarrCollection, not 'sentinelhub:index:Other'" in (
        info.value.details
    )


def test_a_component_parent_in_the_type_is_fine(native):
    urn = "urn:pulumi:s::p::my:index:Cubes$sentinelhub:index:ZarrCollection::x"
    assert native.check({}, program_inputs(), urn=urn)[1] == []


# -- Check -------------------------------------------------------------------------------------
@pytest.mark.oldest_sdk
def test_check_fills_defaults_under_wire_names(native):
    news = program_inputs()
    inputs, failures = native.check({}, news)
    assert failures == []
    assert inputs == {**news, **wire(**DEFAULTS)}
    assert (inputs["waitForIngestion"], inputs["ingestionTimeoutSeconds"]) == (True, 1800)


def test_check_failures_name_the_wire_names(native):
    _, failures = native.check({}, program_inputs(s3_bucket="My_Bucket", fooBar=1))
    reasons = dict(failures)
    assert set(reasons) == {"s3Bucket", "fooBar"}
    assert reasons["s3Bucket"].startswith("s3Bucket 'My_Bucket' is not a valid S3 bucket name")
    assert (
        "fooBar is not an input of ZarrCollection (inputs: name, s3Bucket, path"
        in (reasons["fooBar"])
    )
    _, failures = native.check({}, {k: v for k, v in program_inputs().items() if k != "crs"})
    assert failures == [("crs", "crs is required")]


@pytest.mark.oldest_sdk
def test_check_passes_unknowns_through(native):
    inputs, failures = native.check({}, program_inputs(path=UNKNOWN))
    assert failures == []
    assert isinstance(inputs["path"], Unknown)


def test_check_keeps_secret_inputs_secret(native):
    inputs, _ = native.check({}, program_inputs(name=secret("classified")))
    assert inputs["name"] == secret("classified")


# -- Create ------------------------------------------------------------------------------------
def test_create_preview_changes_nothing(native, emu, api):
    inputs, _ = native.check({}, program_inputs())
    emu.control.reset_stats()
    id_, outs = native.create(inputs, preview=True)
    assert id_ == ""
    assert {k: outs[k] for k in inputs} == inputs
    assert isinstance(outs["status"], Unknown) and isinstance(outs["arrayNames"], Unknown)
    assert writes(emu) == []
    assert api.named(inputs["name"]) == []


@pytest.mark.oldest_sdk
def test_create_answers_outputs_under_wire_names(made):
    id_, inputs, outs = made
    assert {k: outs[k] for k in inputs} == inputs
    assert outs["status"] == "INGESTED"
    assert outs["arrayNames"] == ["B1", "B2"]
    assert outs["dataType"] == f"zarr-{id_}"
    assert outs.get("ingestionErrors") is None
    assert set(outs["bands"]["B1"]) >= {"bit_depth", "sample_format"}  # values are as they are


@pytest.mark.oldest_sdk
def test_create_keeps_a_secret_input_secret_in_the_state(native, api):
    inputs, _ = native.check({}, program_inputs(name=secret(unique("secret-name"))))
    id_, outs = native.create(inputs)
    try:
        assert outs["name"] == inputs["name"]
        assert "value" in outs["name"]  # still wrapped as a secret
    finally:
        native.delete(id_, outs)


# -- Read --------------------------------------------------------------------------------------
def test_refresh_reads_inputs_and_outputs(native, made):
    id_, inputs, outs = made
    read_id, state, new_inputs = native.read(id_, outs, inputs)
    assert read_id == id_
    assert state == outs
    assert new_inputs == inputs


@pytest.mark.oldest_sdk
def test_import_reads_what_the_service_stores(native, made):
    id_, inputs, outs = made
    read_id, state, new_inputs = native.read(id_, {}, None)
    assert read_id == id_
    assert new_inputs == {k: inputs[k] for k in ("name", "s3Bucket", "path", "crs")}
    assert state == outs  # the provider's own inputs at their defaults


def test_import_of_a_missing_collection_says_so(native):
    missing = "0ad1f1f5-0000-4000-8000-000000000000"
    with pytest.raises(ProviderError) as info:
        native.read(missing, {}, None)
    assert f"{no_collection(missing)}, so there is nothing to import" in info.value.details


# -- Diff and Update ---------------------------------------------------------------------------
@pytest.mark.oldest_sdk
def test_diff(native, made):
    id_, inputs, outs = made
    assert native.diff(id_, outs, inputs).changes == "none"
    renamed = native.diff(id_, outs, {**inputs, "name": "other"})
    assert (renamed.changes, renamed.diffs, renamed.replaces) == ("some", ["name"], [])
    moved = native.diff(id_, outs, {**inputs, "s3Bucket": "other-bucket"})
    assert (moved.changes, moved.replaces, moved.delete_before_replace) == (
        "some",
        ["s3Bucket"],
        False,
    )
    trigger = native.diff(id_, outs, {**inputs, "reingestTrigger": "v2"})
    assert trigger.diffs == ["reingestTrigger"] and trigger.replaces == []


def test_update_preview_changes_nothing(native, made, emu, api):
    id_, inputs, outs = made
    emu.control.reset_stats()
    planned = native.update(id_, outs, {**inputs, "name": "previewed"}, preview=True)
    assert planned["name"] == "previewed" and planned["status"] == "INGESTED"
    reingest = native.update(id_, outs, {**inputs, "reingestTrigger": "v2"}, preview=True)
    assert isinstance(reingest["status"], Unknown)
    assert writes(emu) == []
    assert api.get(id_)["name"] == inputs["name"]


def test_a_state_the_dynamic_resource_wrote_is_rewritten_without_touching_the_service(
    native, made, emu
):
    """What an alias from ``pulumi-python:dynamic/sentinelhub:ZarrCollection`` hands over."""
    id_, inputs, outs = made
    dynamic = {**{field_name(k): v for k, v in outs.items()}, "__provider": "gASV..."}
    diff = native.diff(id_, dynamic, inputs)
    assert (diff.changes, diff.replaces, diff.diffs) == ("some", [], ["__provider"])
    emu.control.reset_stats()
    assert native.update(id_, dynamic, inputs) == outs
    assert writes(emu) == []


# -- slow ingestions ---------------------------------------------------------------------------
SLOW = 2.0  # seconds from create to a final status


@pytest.fixture(scope="module")
def slow_host(buckets) -> Any:
    """The plugin configured for an emulator whose ingestions take SLOW seconds."""
    with (
        Emulator(buckets, clients={CLIENT_ID: PLANTED_SECRET}, ingest_delay=SLOW) as slow,
        ProviderHost.native() as host,
    ):
        host.configure(
            {
                "sentinelhub:clientId": CLIENT_ID,
                "sentinelhub:clientSecret": secret(PLANTED_SECRET),
                "sentinelhub:baseUrl": slow.url,
            }
        )
        yield host


def test_lifecycle_errors_name_the_wire_names_and_are_their_message_alone(slow_host, api):
    """What the CLI prints for a failed call: the message with the wire names, no Python stack
    (the SDK's server would add one to every error)."""
    inputs, _ = slow_host.check({}, program_inputs(ingestion_timeout_seconds=1))
    with pytest.raises(ProviderError) as info:
        slow_host.create(inputs)
    message = info.value.details
    advice = "Raise ingestionTimeoutSeconds"
    assert re.search(timed_out(1, "ingestionTimeoutSeconds") + advice, message), message
    assert "set waitForIngestion=False" in message
    assert "ingestion_timeout_seconds" not in message
    assert message.startswith(f"Zarr collection '{inputs['name']}' (s3://"), message
    assert message.endswith("was deleted, so nothing is left behind."), message
    assert 'File "' not in message and "Traceback" not in message and "Unexpected" not in message
    assert api.named(inputs["name"]) == []


# -- what the plugin logs ----------------------------------------------------------------------
@pytest.mark.timeout(120)
def test_progress_is_a_status_line_on_the_resource(native, emu, api):
    """While an ingestion runs, a progress line after 10 s goes to the engine's log, attached
    to the resource being created and marked ephemeral (a status line of its row)."""
    name = unique("native-slow")
    emu.control.set_stuck(re.escape(name))
    try:
        inputs, _ = native.check({}, program_inputs(name=name, ingestion_timeout_seconds=11))
        with pytest.raises(ProviderError, match=r"still INGESTING after 11 s"):
            native.create(inputs)
    finally:
        emu.control.set_stuck(None)
    progress = [line for line in native.engine.lines if name in line.message]
    assert len(progress) == 1, progress
    [line] = progress
    assert (line.severity, line.urn, line.ephemeral) == ("INFO", native.urn, True)
    assert re.fullmatch(
        rf"Zarr collection '{name}' \([0-9a-f-]{{36}}\) is still INGESTING: 1[01] s elapsed of "
        r"11 s \(ingestionTimeoutSeconds\)",
        line.message,
    ), line.message
    assert api.named(name) == []


def test_a_preflight_warning_is_kept_on_the_resource(sh_config, buckets):
    write_failing_cube(buckets, GOOD_BUCKET, "warned.zarr/")
    with ProviderHost.native(env={"PULUMI_ZARR_BUCKETS_DIR": str(buckets)}) as host:
        host.configure(sh_config)
        _, failures = host.check({}, program_inputs(path="warned.zarr/", preflight="warn"))
        assert failures == []
        [line] = host.engine.lines
        assert (line.severity, line.urn, line.ephemeral) == ("WARNING", host.urn, False)
        assert line.message.startswith("preflight:") and "rule 3" in line.message, line
        assert host.stderr_text() == ""  # nothing went the way the CLI shows only with --debug


@pytest.mark.oldest_sdk
def test_many_creates_wait_at_once_and_cancel_is_answered_meanwhile(slow_host):
    """16 creates of a SLOW ingestion take about SLOW seconds (not 16/4 x SLOW, as through a
    4-thread host); Cancel is answered at once while they wait."""
    count = 16
    inputs = [slow_host.check({}, program_inputs())[0] for _ in range(count)]
    started = time.monotonic()
    with ThreadPoolExecutor(count) as pool:
        creating = [pool.submit(slow_host.create, i) for i in inputs]
        time.sleep(SLOW / 4)
        cancel_started = time.monotonic()
        slow_host.cancel()
        cancel_took = time.monotonic() - cancel_started
        made = [f.result() for f in creating]
    wall = time.monotonic() - started
    for id_, outs in made:
        assert outs["status"] == "INGESTED"
        slow_host.delete(id_, outs)
    assert cancel_took < 0.5, cancel_took
    assert wall < 2 * SLOW, f"{count} creates took {wall:.1f} s"
