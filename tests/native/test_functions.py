"""The package's functions through the plugin's Invoke, as the engine calls it, against the
emulator: results by wire name and without a credential, arguments checked with the resources'
wording, no match and two matches as clear errors, a listing of exactly one page and of one more.
"""

from __future__ import annotations

import json

import pytest
from harness.fixtures import (
    CLIENT_ID,
    CRS_4326,
    GOOD_BUCKET,
    GOOD_PATH,
    PLANTED_SECRET,
    copy_collection,
)
from harness.measure import unique

from pulumi_zarr.api.deployments import BY_NAME
from pulumi_zarr.api.models import PAGE_LIMIT
from pulumi_zarr.bucket.policy import document_json
from pulumi_zarr.testing.engine import ProviderError

GET = "sentinelhub:index:getZarrCollection"
LIST = "sentinelhub:index:getZarrCollections"
ARRAY = "sentinelhub:index:getZarrArray"
POLICY = "sentinelhub:index:getBucketPolicy"
MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def ingested(api):
    made = api.create(unique("fn"), GOOD_BUCKET, GOOD_PATH, CRS_4326)
    api.wait_final(made["id"])
    yield made
    api.delete(made["id"])


def no_secret(result: dict) -> None:
    text = json.dumps(result)
    assert PLANTED_SECRET not in text and "clientSecret" not in text


def test_get_by_id_and_by_name_answers_every_output(native, ingested):
    by_id, failures = native.invoke(GET, {"id": ingested["id"]})
    assert failures == []
    assert by_id["id"] == ingested["id"] and by_id["name"] == ingested["name"]
    assert (by_id["s3Bucket"], by_id["path"], by_id["crs"]) == (GOOD_BUCKET, GOOD_PATH, CRS_4326)
    assert by_id["status"] == "INGESTED" and by_id["arrayNames"] == ["B1", "B2"]
    assert by_id["dataType"] == f"zarr-{ingested['id']}" and by_id["clientId"] == CLIENT_ID
    by_name, _ = native.invoke(GET, {"name": ingested["name"]})
    assert by_name == by_id
    no_secret(by_id)


def test_get_no_match_and_two_matches_are_errors(native, api):
    with pytest.raises(ProviderError) as info:
        native.invoke(GET, {"name": unique("nobody")})
    assert "there is no Zarr collection named" in info.value.details
    assert "Traceback" not in info.value.details

    twin = unique("twin")
    first = api.create(twin, GOOD_BUCKET, GOOD_PATH, CRS_4326)
    second = api.create(twin, GOOD_BUCKET, "other.zarr/", CRS_4326)
    try:
        with pytest.raises(ProviderError) as info:
            native.invoke(GET, {"name": twin})
        said = info.value.details
        assert f"2 Zarr collections are named {twin!r}" in said
        assert first["id"] in said and second["id"] in said
        assert "getZarrCollection with id" in said
    finally:
        api.delete(first["id"])
        api.delete(second["id"])

    with pytest.raises(ProviderError) as info:
        native.invoke(GET, {"id": MISSING})
    assert f"collection {MISSING} does not exist" in info.value.details


def test_arguments_are_checked_with_the_resources_wording(native):
    _, failures = native.invoke(GET, {"id": "not-an-id", "fooBar": 1})
    reasons = dict(failures)
    assert reasons["id"].startswith("id must be a collection id (a UUID")
    assert (
        reasons["fooBar"] == "fooBar is not an argument of getZarrCollection (arguments: id, name)"
    )
    _, failures = native.invoke(ARRAY, {"name": "B1"})
    assert failures == [("collectionId", "collectionId is required")]
    with pytest.raises(ProviderError) as info:
        native.invoke(GET, {})
    assert "give exactly one of id and name" in info.value.details
    with pytest.raises(ProviderError) as info:
        native.invoke("sentinelhub:index:getNothing", {})
    assert "has no function 'sentinelhub:index:getNothing'" in info.value.details


def test_list_answers_all_or_those_named(native, ingested, api):
    every, failures = native.invoke(LIST, {})
    assert failures == []
    assert ingested["id"] in every["ids"]
    assert every["ids"] == [c["id"] for c in every["collections"]]
    assert every["ids"] == [c["id"] for c in api.list()]  # all of them, every page
    named, _ = native.invoke(LIST, {"name": ingested["name"]})
    [only] = named["collections"]
    assert only == {
        "id": ingested["id"],
        "name": ingested["name"],
        "s3Bucket": GOOD_BUCKET,
        "path": GOOD_PATH,
        "crs": CRS_4326,
        "status": "INGESTED",
        "created": only["created"],
        "dataType": f"zarr-{ingested['id']}",
    }
    none, _ = native.invoke(LIST, {"name": unique("nobody")})
    assert none == {"collections": [], "ids": []}
    no_secret(every)


def test_list_of_one_full_page_and_of_one_more(native, ingested, emu, api):
    """As many namesakes as a page holds come in one page; one more, in a second page."""
    name = ingested["name"]
    copy_collection(emu, ingested["id"], [name] * (PAGE_LIMIT - 1))
    try:
        for total, pages in ((PAGE_LIMIT, 1), (PAGE_LIMIT + 1, 2)):
            if total > PAGE_LIMIT:
                copy_collection(emu, ingested["id"], [name])
            emu.control.reset_stats()
            listed, failures = native.invoke(LIST, {"name": name})
            asked = [r for r in emu.control.journal() if r.endswith("/collections")]
            assert failures == [] and len(asked) == pages, asked
            assert len(listed["ids"]) == total
            assert listed["ids"] == [c["id"] for c in api.named(name)]
    finally:
        for copy in api.named(name):
            if copy["id"] != ingested["id"]:
                api.delete(copy["id"])


def test_get_array_answers_its_metadata_or_names_the_arrays(native, ingested):
    array, failures = native.invoke(ARRAY, {"collectionId": ingested["id"], "name": "B1"})
    assert failures == []
    assert array["collectionId"] == ingested["id"] and array["name"] == "B1"
    assert array["s3Bucket"] == GOOD_BUCKET and "shape" in array["zarray"]
    with pytest.raises(ProviderError) as info:
        native.invoke(ARRAY, {"collectionId": ingested["id"], "name": "B9"})
    assert (
        f"collection {ingested['id']} has no array named 'B9'; its arrays: B1, B2"
        in info.value.details
    )


def test_bucket_policy_named_or_from_the_provider_settings(native, sh_config):
    policy, failures = native.invoke(POLICY, {"bucket": "my-cubes", "deployment": "cdse"})
    assert failures == []
    assert policy["json"] == document_json("my-cubes", BY_NAME["cdse"])
    assert policy["document"] == json.loads(policy["json"])
    assert policy["principal"] == BY_NAME["cdse"].principal and policy["deployment"] == "cdse"
    existing = json.dumps({"Statement": [{"Sid": "mine", "Effect": "Deny", "Action": "*"}]})
    merged, _ = native.invoke(
        POLICY, {"bucket": "my-cubes", "deployment": "cdse", "existing": existing}
    )
    assert [s["Sid"] for s in merged["document"]["Statement"]] == [
        "mine",
        "Sentinel Hub permissions",
    ]
    with pytest.raises(ProviderError) as info:
        native.invoke(POLICY, {"bucket": "my-cubes", "deployment": "mars"})
    assert "unknown deployment 'mars'; known: sentinel-hub-eu, sentinel-hub-us-west, cdse" in (
        info.value.details
    )
    # none named: the provider's (the emulator's base URL is no known deployment's: it says so)
    with pytest.raises(ProviderError) as info:
        native.invoke(POLICY, {"bucket": "my-cubes"})
    assert "sentinelhub:deployment" in info.value.details
    from harness.fixtures import RecordingHost

    with RecordingHost.native() as host:
        host.configure({**sh_config, "sentinelhub:deployment": "sentinel-hub-us-west"})
        policy, _ = host.invoke(POLICY, {"bucket": "my-cubes"})
    assert policy["deployment"] == "sentinel-hub-us-west"
    assert policy["regions"] == ["us-west-2"]
