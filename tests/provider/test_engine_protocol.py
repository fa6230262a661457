"""ZarrCollectionProvider as the Pulumi engine drives it: the SDK's dynamic provider host
(``python -m pulumi.dynamic``) over gRPC, against the emulator.

Each test makes the engine's calls (Configure, Check, Diff, Create, Read, Update, Delete)
with properties serialized as the engine does, and checks both the responses and the
emulator's state.
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from harness.fixtures import (
    CLIENT_ID,
    CRS_4326,
    GOOD_BUCKET,
    GOOD_PATH,
    PLANTED_SECRET,
    RecordingHost,
    write_cube_with_skipped_array,
    write_good_cube,
)
from harness.measure import unique
from pulumi.output import Unknown

from pulumi_zarr.testing.engine import (
    UNKNOWN,
    ProviderError,
    ProviderHost,
    default_provider,
    secret,
)

EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
INPUTS = ("name", "s3_bucket", "path", "crs")


@pytest.fixture(autouse=True)
def secret_never_leaked(host: RecordingHost) -> Iterator[None]:
    """After each test: no response, output, failure or error text holds the secret."""
    seen = len(host.transcript)
    yield
    for entry in host.transcript[seen:]:
        assert PLANTED_SECRET not in entry, entry[:300]
    assert PLANTED_SECRET not in host.stderr_text()


def program_inputs(**overrides: Any) -> dict[str, Any]:
    """What a program declares: the four required inputs."""
    props = {"name": unique("cube"), "s3_bucket": GOOD_BUCKET, "path": GOOD_PATH, "crs": CRS_4326}
    props.update(overrides)
    return props


def checked(host: ProviderHost, **overrides: Any) -> dict[str, Any]:
    inputs, failures = host.check({}, program_inputs(**overrides))
    assert failures == [], failures
    return inputs


def wait_gone(api, id_: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while api.get(id_) is not None:
        assert time.monotonic() < deadline, f"collection {id_} still exists"
        time.sleep(0.1)


def reingest_count(emu) -> int:
    stats = emu.control.stats()["requests"]
    return sum(n for key, n in stats.items() if key.startswith("PUT ") and "reingest" in key)


@pytest.fixture(scope="module")
def made(host, api):
    """One ingested collection created through the host: (id, checked inputs, outputs)."""
    inputs = checked(host, name=unique("made"))
    id_, outs = host.create(inputs)
    yield id_, inputs, outs
    api.delete(id_)


# -- Configure -------------------------------------------------------------------------------------
def test_configure_from_stack_config(sh_config, api):
    with ProviderHost(project="zarr-test") as h:
        assert h.configure(sh_config) is False  # the dynamic host never accepts secrets
        inputs = checked(h)
        id_, outs = h.create(inputs)
        try:
            assert api.get(id_)["name"] == inputs["name"]
        finally:
            h.delete(id_, outs)
        assert api.get(id_) is None


def test_configure_from_environment_variables(emu, api):
    env = {"SH_CLIENT_ID": CLIENT_ID, "SH_CLIENT_SECRET": PLANTED_SECRET, "SH_BASE_URL": emu.url}
    with ProviderHost(project="zarr-test", env=env) as h:
        h.configure({})
        inputs = checked(h)
        id_, outs = h.create(inputs)
        try:
            assert outs["status"] == "INGESTED"
            assert api.get(id_) is not None
        finally:
            h.delete(id_, outs)


def test_current_api_prefix(sh_config, api):
    with ProviderHost(project="zarr-test") as h:
        h.configure({**sh_config, "sentinelhub:apiPrefix": "/zarr/v1"})
        inputs = checked(h)
        id_, outs = h.create(inputs)
        assert api.get(id_) is not None  # same collection, seen through the legacy path
        h.delete(id_, outs)
        assert api.get(id_) is None


def test_missing_credentials_name_both_ways_to_set_them(emu, monkeypatch):
    monkeypatch.setenv("SH_CLIENT_ID", CLIENT_ID)  # must not reach the host
    monkeypatch.setenv("SH_CLIENT_SECRET", PLANTED_SECRET)
    with ProviderHost(project="zarr-test") as h:
        h.configure({"sentinelhub:baseUrl": emu.url})
        with pytest.raises(ProviderError) as info:
            h.check({}, program_inputs())  # at preview
    message = info.value.message
    for way in (
        "sentinelhub:clientId",
        "SH_CLIENT_ID",
        "sentinelhub:clientSecret",
        "SH_CLIENT_SECRET",
    ):
        assert way in message, message


def test_wrong_secret_is_an_auth_error_that_does_not_echo_it(sh_config, api):
    wrong = "WRONG-planted-secret-31337"
    name = unique("wrong")
    with RecordingHost(project="zarr-test") as h:
        h.configure({**sh_config, "sentinelhub:clientSecret": secret(wrong)})
        with pytest.raises(ProviderError) as info:
            h.check({}, program_inputs(name=name))  # at preview
        assert wrong not in "\n".join(h.transcript) + h.stderr_text()
    assert wrong not in info.value.details
    # where each credential was set
    assert "(sentinelhub:clientId, sentinelhub:clientSecret)" in info.value.details
    assert api.named(name) == []


# -- Check -----------------------------------------------------------------------------------------
@pytest.mark.oldest_sdk
def test_check_good_inputs_fills_defaults(host):
    news = program_inputs()
    inputs, failures = host.check({}, news)
    assert failures == []
    assert {k: inputs[k] for k in INPUTS} == news
    assert inputs["wait_for_ingestion"] is True
    assert inputs["ingestion_timeout_seconds"] == 1800
    assert inputs.get("reingest_trigger") is None


def test_check_one_failure_per_bad_property(host):
    _, failures = host.check(
        {}, program_inputs(path="/x", crs=EPSG + "1234", s3_bucket="B", name="")
    )
    assert sorted(p for p, _ in failures) == ["crs", "name", "path", "s3_bucket"]
    assert all(reason for _, reason in failures), "each reason must say what is wrong"


def test_check_missing_required_input(host):
    news = program_inputs()
    del news["path"]
    _, failures = host.check({}, news)
    assert [p for p, _ in failures] == ["path"]


@pytest.mark.parametrize("prop", [*INPUTS, "reingest_trigger"])
@pytest.mark.oldest_sdk
def test_check_unknown_values_pass(host, prop):
    inputs, failures = host.check({}, program_inputs(**{prop: UNKNOWN}))
    assert failures == []
    assert isinstance(inputs[prop], Unknown)


def test_check_with_old_inputs(host, made):
    _, old_inputs, _ = made
    inputs, failures = host.check(old_inputs, {k: old_inputs[k] for k in INPUTS})
    assert failures == []
    assert inputs == old_inputs


# -- Diff ------------------------------------------------------------------------------------------
def test_diff_none_with_provider_and_outputs_in_olds(host, made):
    id_, inputs, outs = made
    assert "status" in outs and "array_names" in outs  # olds are the stored outputs
    diff = host.diff(id_, outs, inputs)
    assert diff.changes == "none" and diff.replaces == []


def test_diff_none_after_a_fresh_check_of_the_same_program(host, made):
    id_, inputs, outs = made
    news, _ = host.check(inputs, {k: inputs[k] for k in INPUTS})
    assert host.diff(id_, outs, news).changes == "none"


@pytest.mark.oldest_sdk
def test_diff_rename_updates_in_place(host, made):
    id_, inputs, outs = made
    diff = host.diff(id_, outs, {**inputs, "name": "another name"})
    assert diff.changes == "some" and diff.replaces == []


@pytest.mark.parametrize(
    ("prop", "value"),
    [("s3_bucket", "other-bucket"), ("path", "other.zarr/"), ("crs", EPSG + "3857")],
)
def test_diff_replacing_inputs(host, made, prop, value):
    id_, inputs, outs = made
    diff = host.diff(id_, outs, {**inputs, prop: value})
    assert diff.changes == "some"
    assert diff.replaces == [prop]


def test_diff_reingest_trigger_updates_in_place(host, made):
    id_, inputs, outs = made
    diff = host.diff(id_, outs, {**inputs, "reingest_trigger": "2025-01-01"})
    assert diff.changes == "some" and diff.replaces == []


@pytest.mark.parametrize(
    ("prop", "value"), [("ingestion_timeout_seconds", 60), ("wait_for_ingestion", False)]
)
def test_diff_provider_options_never_replace(host, made, prop, value):
    id_, inputs, outs = made
    assert host.diff(id_, outs, {**inputs, prop: value}).replaces == []


def test_setting_preflight_off_explicitly_is_no_change(host, made):
    id_, inputs, outs = made
    checked, failures = host.check(inputs, {**inputs, "preflight": "off"})
    assert not failures
    assert host.diff(id_, outs, checked).changes == "none"


@pytest.mark.parametrize("prop", [*INPUTS, "reingest_trigger"])
def test_diff_unknown_input_reports_a_change(host, made, prop):
    id_, inputs, outs = made
    diff = host.diff(id_, outs, {**inputs, prop: UNKNOWN})
    assert diff.changes in ("some", "unknown")


# -- Create ----------------------------------------------------------------------------------------
@pytest.mark.oldest_sdk
def test_create_ingested(host, made, api):
    id_, inputs, outs = made
    assert id_
    for key, value in inputs.items():
        assert outs[key] == value, key
    assert outs["status"] == "INGESTED"
    assert sorted(outs["array_names"]) == ["B1", "B2"]
    assert outs["data_type"] == f"zarr-{id_}"
    assert outs["envelope"]["type"] == "Polygon" and outs["envelope"]["coordinates"]
    assert outs["width"] > 0 and outs["height"] > 0
    assert outs["created"]
    assert set(outs["bands"]) == {"B1", "B2"}
    assert outs["max_meters_per_pixel"] > 0
    assert not outs.get("ingestion_errors")
    on_service = api.get(id_)
    assert on_service["status"] == "INGESTED"
    assert (on_service["name"], on_service["s3Bucket"], on_service["path"], on_service["crs"]) == (
        inputs["name"],
        GOOD_BUCKET,
        GOOD_PATH,
        CRS_4326,
    )


def test_create_lists_every_page_of_arrays(host, buckets, api):
    names = tuple(f"band{i:03d}" for i in range(130))
    write_good_cube(buckets, "big", "many.zarr/", arrays=names)
    id_, outs = host.create(checked(host, s3_bucket="big", path="many.zarr/"))
    try:
        assert sorted(outs["array_names"]) == sorted(names)
    finally:
        api.delete(id_)


def test_create_with_a_skipped_array_succeeds_and_says_why(host, buckets, api):
    write_cube_with_skipped_array(buckets, "skips", "skip.zarr/", bad="bad-name")
    id_, outs = host.create(checked(host, s3_bucket="skips", path="skip.zarr/"))
    try:
        assert outs["status"] == "INGESTED"
        assert "bad-name" in outs["ingestion_errors"]
        assert "bad-name" not in outs["array_names"] and "B1" in outs["array_names"]
    finally:
        api.delete(id_)


def test_create_timeout_deletes_the_collection(host, emu, api):
    name = unique("stuck")
    emu.control.set_stuck(name)  # this collection stays INGESTING
    try:
        started = time.monotonic()
        with pytest.raises(ProviderError) as info:
            host.create(checked(host, name=name, ingestion_timeout_seconds=1))
        assert time.monotonic() - started < 10
        assert "ingestion_timeout_seconds" in info.value.message
        assert api.named(name) == [], "the timed-out collection must be deleted"
        # wait_for_ingestion=False returns at once, before ingestion ends
        id_, outs = host.create(checked(host, name=name, wait_for_ingestion=False))
        try:
            assert outs["status"] in ("CREATED", "INGESTING")
            assert outs.get("array_names") in (None, [])
        finally:
            host.delete(id_, outs)
    finally:
        emu.control.set_stuck(None)


def test_create_of_a_missing_store_fails_and_leaves_nothing(host, api):
    name = unique("missing")
    with pytest.raises(ProviderError):
        host.create(checked(host, name=name, s3_bucket="no-such-bucket", path="nothing.zarr/"))
    assert api.named(name) == []


# -- Read ------------------------------------------------------------------------------------------
@pytest.mark.oldest_sdk
def test_read_refresh_without_drift(host, made):
    id_, inputs, outs = made
    new_id, new_outs, new_inputs = host.read(id_, outs, inputs)
    assert new_id == id_
    assert new_outs == outs
    assert new_inputs is None or new_inputs == inputs


def test_refresh_lists_the_arrays_again_only_when_the_bands_changed(host, emu, api, buckets):
    """A refresh reuses the state's array names while the service reports the same bands (one
    GET), and lists them again after a re-ingestion outside pulumi added an array."""
    write_good_cube(buckets, "grow", "grow.zarr/", arrays=("B1",))
    inputs = checked(host, s3_bucket="grow", path="grow.zarr/")
    id_, outs = host.create(inputs)

    collection = f"GET {urlsplit(api.url).path}/{id_}"

    def refreshed(state: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        seen = len(emu.control.journal())
        _, new_outs, _ = host.read(id_, state, inputs)
        return new_outs, [r for r in emu.control.journal()[seen:] if id_ in r]

    try:
        assert outs["array_names"] == ["B1"]
        assert refreshed(outs) == (outs, [collection])
        write_good_cube(buckets, "grow", "grow.zarr/", arrays=("B1", "B2"))
        api.session.put(f"{api.url}/{id_}/reingest", timeout=10).raise_for_status()
        api.wait_final(id_)
        new_outs, requests = refreshed(outs)
        assert sorted(new_outs["array_names"]) == ["B1", "B2"]
        assert sorted(new_outs["bands"]) == ["B1", "B2"]
        assert requests == [collection, f"{collection}/arrays"]
        # a state without the bands (an older release's) lists them as before
        legacy = {k: v for k, v in new_outs.items() if k != "bands"}
        assert refreshed(legacy)[1] == requests
    finally:
        api.delete(id_)


def test_read_shows_a_rename_made_outside_pulumi(host, api):
    inputs = checked(host)
    id_, outs = host.create(inputs)
    try:
        api.rename(id_, "renamed by hand")
        new_id, new_outs, new_inputs = host.read(id_, outs, inputs)
        assert new_id == id_
        assert new_outs["name"] == "renamed by hand"
        assert new_inputs is not None and new_inputs["name"] == "renamed by hand"
        # the next up (program still says the old name) renames it back in place
        diff = host.diff(id_, new_outs, inputs)
        assert diff.changes == "some" and diff.replaces == []
    finally:
        api.delete(id_)


def test_read_of_a_collection_deleted_outside_pulumi(host, api):
    inputs = checked(host)
    id_, outs = host.create(inputs)
    api.delete(id_)
    new_id, _, _ = host.read(id_, outs, inputs)
    assert new_id == ""


def test_the_engines_import_read_fails_in_the_dynamic_host(host, api):
    """The engine imports with Read(id) and no inputs or state (pulumi/pulumi#16175): the
    SDK's dynamic host cannot find the provider. tests/e2e/test_import.py shows the real CLI
    failing the same way; adoption goes through the ``import_id`` input instead."""
    name = unique("adopt")
    made = api.create(name, GOOD_BUCKET, GOOD_PATH, CRS_4326)
    try:
        with pytest.raises(ProviderError, match="__provider"):
            host.read(made["id"], {})
        assert api.get(made["id"])["name"] == name
    finally:
        api.delete(made["id"])


def test_get_reads_everything_from_the_service(host, api):
    """``ZarrCollection.get``: Read(id) with only the provider in the inputs."""
    name = unique("get")
    made = api.create(name, GOOD_BUCKET, GOOD_PATH, CRS_4326)
    api.wait_final(made["id"])
    try:
        new_id, outs, read_inputs = host.read(made["id"], {}, inputs={})
        assert new_id == made["id"]
        assert outs["status"] == "INGESTED" and sorted(outs["array_names"]) == ["B1", "B2"]
        assert outs["data_type"] == f"zarr-{made['id']}"
        assert read_inputs is not None
        assert {k: read_inputs[k] for k in INPUTS} == program_inputs(name=name)
    finally:
        api.delete(made["id"])


def test_get_of_a_missing_collection(host):
    new_id, _, _ = host.read(str(uuid.uuid4()), {}, inputs={})
    assert new_id == ""


# -- Update ----------------------------------------------------------------------------------------
@pytest.mark.oldest_sdk
def test_update_rename_in_place(host, emu, api):
    inputs = checked(host)
    id_, outs = host.create(inputs)
    try:
        news = {**inputs, "name": unique("renamed")}
        emu.control.reset_stats()
        new_outs = host.update(id_, outs, news)
        writes = [r for r in emu.control.journal() if r.startswith(("POST", "PUT", "DELETE"))]
        assert writes == [f"PUT /api/v1/zarr/collections/{id_}"]  # one PUT, nothing else
        # and one GET: the ingestion is the state's, so are its array names (no listing)
        about = [r for r in emu.control.journal() if id_ in r]
        assert about == [
            f"PUT /api/v1/zarr/collections/{id_}",
            f"GET /api/v1/zarr/collections/{id_}",
        ]
        assert new_outs["name"] == news["name"]
        assert api.get(id_)["name"] == news["name"]
        assert new_outs["data_type"] == outs["data_type"]
        assert sorted(new_outs["array_names"]) == ["B1", "B2"]
        assert host.diff(id_, new_outs, news).changes == "none"
    finally:
        api.delete(id_)


def test_update_reingest_trigger_reingests(host, emu, api):
    inputs = checked(host)
    id_, outs = host.create(inputs)
    try:
        before = reingest_count(emu)
        news = {**inputs, "reingest_trigger": "t1"}
        new_outs = host.update(id_, outs, news)
        assert reingest_count(emu) == before + 1
        assert new_outs["status"] == "INGESTED"
        assert new_outs["reingest_trigger"] == "t1"
        assert api.get(id_)["status"] == "INGESTED"
        # rename only: no reingest
        host.update(id_, new_outs, {**news, "name": unique("n")})
        assert reingest_count(emu) == before + 1
    finally:
        api.delete(id_)


def test_update_of_a_collection_gone_meanwhile_fails(host, api):
    inputs = checked(host)
    id_, outs = host.create(inputs)
    api.delete(id_)
    with pytest.raises(ProviderError) as info:
        host.update(id_, outs, {**inputs, "name": "x"})
    assert "refresh" in info.value.message


# -- Delete ----------------------------------------------------------------------------------------
@pytest.mark.oldest_sdk
def test_delete_twice(host, api):
    inputs = checked(host)
    id_, outs = host.create(inputs)
    host.delete(id_, outs)
    assert api.get(id_) is None
    host.delete(id_, outs)  # already gone: success


# -- Secrets ---------------------------------------------------------------------------------------
@pytest.mark.oldest_sdk
def test_serialized_provider_holds_no_secret(host):
    for serialized in (host.provider, default_provider()):
        pickled = base64.b64decode(serialized)
        assert PLANTED_SECRET.encode() not in pickled
        assert CLIENT_ID.encode() not in pickled
        assert len(serialized) < 500, "the provider must be pickled by reference"
