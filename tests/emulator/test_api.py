"""Every endpoint under both path styles; validation, errors, paging, search, lifecycle."""

from __future__ import annotations

import time

import pytest
import requests

from pulumi_zarr.emulator.app import READ_ONLY_FIELDS
from pulumi_zarr.emulator.samples import extend_time

from .helpers import CRS_4326, PREFIXES, all_pages, create, get, spec, wait_final


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_endpoint(emulator, oauth, write_cube, prefix):
    url = emulator.url + prefix
    write_cube(times=2)
    created = create(oauth, emulator.url, prefix, name="My Collection")
    assert created["status"] == "CREATED"
    assert created["ingestionErrors"] is None and created["width"] is None
    assert created["zattrs"] is None and "additionalData" not in created
    cid = created["id"]

    final = wait_final(oauth, emulator.url, cid, prefix=prefix)
    assert final["status"] == "INGESTED" and final["created"] == created["created"]
    assert "INGESTING" in final["_seen"]

    listed = oauth.get(f"{url}/collections").json()
    assert [c["id"] for c in listed["data"]] == [cid]
    assert listed["links"]["@id"] == f"{url}/collections" and "next" not in listed["links"]

    arrays = oauth.get(f"{url}/collections/{cid}/arrays").json()["data"]
    assert [a["name"] for a in arrays] == ["B1", "B2"]
    assert oauth.get(f"{url}/collections/{cid}/arrays/B1").json()["data"]["name"] == "B1"
    missing = oauth.get(f"{url}/collections/{cid}/arrays/B9")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "COMMON_NOT_FOUND"
    assert oauth.get(f"{url}/collections/{cid}/arrays/x").status_code == 404  # coordinates

    renamed = oauth.put(f"{url}/collections/{cid}", json={"name": "My modified collection name"})
    assert renamed.status_code == 204 and renamed.content == b""
    assert get(oauth, emulator.url, cid, prefix)["name"] == "My modified collection name"

    again = oauth.put(f"{url}/collections/{cid}/reingest")
    assert again.status_code == 200 and again.json()["data"]["id"] == cid
    assert again.json()["data"]["status"] == "INGESTING"
    assert wait_final(oauth, emulator.url, cid, prefix=prefix)["status"] == "INGESTED"

    deleted = oauth.delete(f"{url}/collections/{cid}")
    assert deleted.status_code == 204
    gone = oauth.get(f"{url}/collections/{cid}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "COMMON_NOT_FOUND"
    assert oauth.delete(f"{url}/collections/{cid}").status_code == 404


def test_both_prefixes_see_the_same_collections(emulator, oauth, write_cube):
    write_cube()
    cid = create(oauth, emulator.url, "/api/v1/zarr")["id"]
    assert get(oauth, emulator.url, cid, "/zarr/v1")["id"] == cid


def test_reingest_picks_up_new_time_steps(emulator, oauth, write_cube, buckets_dir):
    write_cube(times=2)
    cid = create(oauth, emulator.url)["id"]
    assert wait_final(oauth, emulator.url, cid)["status"] == "INGESTED"
    url = f"{emulator.url}/zarr/v1/collections/{cid}"
    assert oauth.get(f"{url}/arrays/B1").json()["data"]["zarray"]["shape"] == [2, 3, 4]
    extend_time(buckets_dir / "cubes" / "demo.zarr", 3)
    assert oauth.put(f"{url}/reingest").json()["data"]["status"] == "INGESTING"
    final = wait_final(oauth, emulator.url, cid)
    assert final["status"] == "INGESTED" and final["_seen"][0] == "INGESTING"
    assert oauth.get(f"{url}/arrays/B1").json()["data"]["zarray"]["shape"] == [5, 3, 4]


def test_reingest_of_a_broken_store_fails(emulator, oauth, write_cube, buckets_dir):
    write_cube()
    cid = create(oauth, emulator.url)["id"]
    wait_final(oauth, emulator.url, cid)
    (buckets_dir / "cubes" / "demo.zarr" / ".zgroup").unlink()
    oauth.put(f"{emulator.url}/zarr/v1/collections/{cid}/reingest")
    final = wait_final(oauth, emulator.url, cid)
    assert final["status"] == "FAILED" and ".zgroup" in final["ingestionErrors"]
    assert oauth.get(f"{emulator.url}/zarr/v1/collections/{cid}/arrays").json()["data"] == []


def test_status_goes_created_ingesting_final_not_before_the_delay(emulator, oauth, write_cube):
    write_cube()
    started = time.monotonic()
    cid = create(oauth, emulator.url)["id"]
    final = wait_final(oauth, emulator.url, cid)
    assert time.monotonic() - started >= 0.2 * 0.9
    assert final["_seen"][-1] == "INGESTED"
    assert set(final["_seen"][:-1]) <= {"CREATED", "INGESTING"} and "INGESTING" in final["_seen"]


# ---- paging -------------------------------------------------------------------------------


def test_more_than_100_collections_page_by_links(emulator, oauth):
    ids = [create(oauth, emulator.url, name=f"c{i:03d}")["id"] for i in range(130)]
    items, links = all_pages(oauth, f"{emulator.url}/zarr/v1/collections")
    assert [c["id"] for c in items] == ids
    assert len(links) == 2
    first, last = links
    assert first["nextToken"] and "viewtoken=" + first["nextToken"] in first["next"]
    assert "next" not in last and "nextToken" not in last and last["currentToken"]
    # the same page via ?viewtoken= + count, as sentinelhub-py does
    second = oauth.get(
        f"{emulator.url}/zarr/v1/collections", params={"viewtoken": first["nextToken"]}
    ).json()
    assert [c["id"] for c in second["data"]] == ids[100:]


def test_count_search_and_next_keep_the_query(emulator, oauth):
    for i in range(7):
        create(oauth, emulator.url, name=f"{'Alpha' if i % 2 else 'beta'}-{i}")
    url = f"{emulator.url}/api/v1/zarr/collections?count=2&search=ALPHA"
    items, links = all_pages(oauth, url)
    assert [c["name"] for c in items] == ["Alpha-1", "Alpha-3", "Alpha-5"]
    assert len(links) == 2 and "count=2" in links[0]["next"] and "search=ALPHA" in links[0]["next"]
    assert links[0]["@id"] == url


def test_paging_is_stable_when_the_list_changes(emulator, oauth):
    ids = [create(oauth, emulator.url, name=f"s{i}")["id"] for i in range(6)]
    url = f"{emulator.url}/zarr/v1/collections"
    page1 = oauth.get(url, params={"count": 3}).json()
    assert [c["id"] for c in page1["data"]] == ids[:3]
    oauth.delete(f"{url}/{ids[0]}")  # an item of a page already seen disappears
    newer = create(oauth, emulator.url, name="s-new")["id"]
    page2 = oauth.get(page1["links"]["next"]).json()
    assert [c["id"] for c in page2["data"]] == ids[3:6]  # nothing skipped, nothing repeated
    page3 = oauth.get(page2["links"]["next"]).json()
    assert [c["id"] for c in page3["data"]] == [newer] and "next" not in page3["links"]


@pytest.mark.parametrize(
    ("count", "status"), [("0", 400), ("-1", 400), ("x", 400), ("1.5", 400), ("1000", 200)]
)
def test_count_validation(emulator, oauth, count, status):
    response = oauth.get(f"{emulator.url}/zarr/v1/collections", params={"count": count})
    assert response.status_code == status
    if status == 400:
        assert response.json()["error"]["code"] == "COMMON_BAD_PAYLOAD"
        assert "count" in response.json()["error"]["message"]


def test_count_is_clamped_to_100(emulator, oauth):
    for i in range(101):
        create(oauth, emulator.url, name=f"n{i}")
    body = oauth.get(f"{emulator.url}/zarr/v1/collections", params={"count": 500}).json()
    assert len(body["data"]) == 100 and body["links"]["nextToken"]


@pytest.mark.parametrize("token", ["garbage", "eyJrIjoiYXJyYXlzIiwiYSI6IkIxIn0", "%%%"])
def test_invalid_viewtoken_is_400(emulator, oauth, token):
    response = oauth.get(f"{emulator.url}/zarr/v1/collections", params={"viewtoken": token})
    assert response.status_code == 400 and "viewtoken" in response.json()["error"]["message"]


def test_array_search(emulator, oauth, write_cube):
    write_cube(arrays=("B1", "B2", "NDVI"))
    cid = create(oauth, emulator.url)["id"]
    wait_final(oauth, emulator.url, cid)
    found = oauth.get(
        f"{emulator.url}/zarr/v1/collections/{cid}/arrays", params={"search": "b"}
    ).json()["data"]
    assert [a["name"] for a in found] == ["B1", "B2"]


def test_arrays_empty_before_ingestion(emulator, oauth, write_cube):
    write_cube()
    emulator.control.set_stuck("^slow")
    cid = create(oauth, emulator.url, name="slow one")["id"]
    time.sleep(0.4)
    assert get(oauth, emulator.url, cid)["status"] == "INGESTING"
    body = oauth.get(f"{emulator.url}/zarr/v1/collections/{cid}/arrays").json()
    assert body["data"] == [] and "next" not in body["links"]
    emulator.control.set_stuck(None)
    assert get(oauth, emulator.url, cid)["status"] == "INGESTED"


# ---- create validation and errors ---------------------------------------------------------


BAD_BODIES = {
    "missing crs": ({k: v for k, v in spec().items() if k != "crs"}, "crs"),
    "missing name": ({k: v for k, v in spec().items() if k != "name"}, "name"),
    "unknown field": ({**spec(), "noData": 0}, "noData"),
    "snake case field": (
        {**{k: v for k, v in spec().items() if k != "s3Bucket"}, "s3_bucket": "cubes"},
        "s3",
    ),
    "wrong type": ({**spec(), "name": 5}, "name"),
    "null path": ({**spec(), "path": None}, "path"),
    "path without slash": (spec(path="demo.zarr"), "path"),
    "absolute path": (spec(path="/demo.zarr/"), "path"),
    "empty name": (spec(name="  "), "name"),
    "crs not a url": (spec(crs="EPSG:4326"), "crs"),
    "crs other host": (spec(crs="https://example.com/def/crs/EPSG/0/4326"), "crs"),
    "bucket with slash": (spec(bucket="a/b"), "s3Bucket"),
    "empty bucket": (spec(bucket=""), "s3Bucket"),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_bad_create_bodies_are_400_naming_the_field(emulator, oauth, case):
    body, field = BAD_BODIES[case]
    response = oauth.post(f"{emulator.url}/zarr/v1/collections", json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["status"] == 400 and error["reason"] == "Bad Request"
    assert error["code"] == "COMMON_BAD_PAYLOAD" and field in error["message"]
    assert oauth.get(f"{emulator.url}/zarr/v1/collections").json()["data"] == []


def test_read_only_fields_in_create_are_ignored(emulator, oauth):
    body = {
        **spec(),
        "id": "x",
        "status": "INGESTED",
        "envelope": {"type": "Polygon"},
        "width": 9,
        "additionalData": {"bands": {}},
        "zattrs": {},
    }
    response = oauth.post(f"{emulator.url}/zarr/v1/collections", json=body)
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["id"] != "x" and data["status"] == "CREATED" and data["width"] is None


def test_crs84_url_is_accepted(emulator, oauth):
    assert create(oauth, emulator.url, crs="http://www.opengis.net/def/crs/OGC/1.3/CRS84")


def test_non_json_malformed_and_oversized_bodies(emulator, oauth):
    url = f"{emulator.url}/zarr/v1/collections"
    form = oauth.post(url, data={"name": "x"})
    assert form.status_code == 415
    assert form.json()["error"]["code"] == "COMMON_UNSUPPORTED_MEDIA_TYPE"
    broken = oauth.post(url, data=b'{"name": ', headers={"Content-Type": "application/json"})
    assert broken.status_code == 400 and "JSON" in broken.json()["error"]["message"]
    array = oauth.post(url, json=[spec()])
    assert array.status_code == 400
    huge = oauth.post(url, json={**spec(), "name": "n" * 70_000})
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "COMMON_BAD_PAYLOAD"


def test_rename_validation(emulator, oauth):
    cid = create(oauth, emulator.url)["id"]
    url = f"{emulator.url}/zarr/v1/collections/{cid}"
    for body in ({}, {"name": ""}, {"name": None}, {"name": "x", "path": "y/"}):
        response = oauth.put(url, json=body)
        assert response.status_code == 400, body
        assert response.json()["error"]["code"] == "COMMON_BAD_PAYLOAD"
    assert get(oauth, emulator.url, cid)["name"] == "cube"


@pytest.mark.parametrize(
    "bad_id",
    ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "..%2F..%2Fetc", "1' OR '1'='1"],
)
def test_unknown_or_malformed_ids_are_404(emulator, oauth, bad_id):
    for method, suffix in (
        ("GET", ""),
        ("PUT", "/reingest"),
        ("DELETE", ""),
        ("GET", "/arrays"),
        ("GET", "/arrays/B1"),
    ):
        response = oauth.request(method, f"{emulator.url}/zarr/v1/collections/{bad_id}{suffix}")
        assert response.status_code == 404, (method, suffix, response.text)
        assert response.json()["error"]["code"] == "COMMON_NOT_FOUND"


def test_unknown_route_and_wrong_method(emulator, oauth):
    unknown = oauth.get(f"{emulator.url}/zarr/v2/collections")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "COMMON_NOT_FOUND"
    wrong = oauth.patch(f"{emulator.url}/zarr/v1/collections")
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"] == "COMMON_METHOD_NOT_ALLOWED"
    post_reingest = oauth.post(f"{emulator.url}/zarr/v1/collections/x/reingest")
    assert post_reingest.status_code == 405


def test_accounts_are_isolated(emulator, session_for, write_cube):
    write_cube()
    mine, theirs = session_for("local"), session_for("other")
    cid = create(mine, emulator.url)["id"]
    base = f"{emulator.url}/zarr/v1/collections"
    assert theirs.get(base).json()["data"] == []
    assert theirs.get(f"{base}?search=cube").json()["data"] == []
    for method, suffix, body in (
        ("GET", "", None),
        ("PUT", "", {"name": "stolen"}),
        ("DELETE", "", None),
        ("PUT", "/reingest", None),
        ("GET", "/arrays", None),
        ("GET", "/arrays/B1", None),
    ):
        response = theirs.request(method, f"{base}/{cid}{suffix}", json=body)
        assert response.status_code == 404, (method, suffix)
    assert get(mine, emulator.url, cid)["name"] == "cube"
    assert get(mine, emulator.url, cid)["accountId"] != create(theirs, emulator.url)["accountId"]


def test_no_500_on_odd_input(emulator, oauth):
    base = f"{emulator.url}/zarr/v1/collections"
    odd = [
        ("POST", base, {"data": b"\xff\xfe", "headers": {"Content-Type": "application/json"}}, 400),
        ("POST", base, {"json": {**spec(), "name": "\u0000"}}, 400),
        ("POST", base, {"json": {**spec(), "path": "a\u0000/"}}, 400),
        ("GET", f"{base}?count=99999999999999999999999", {}, 200),
        ("GET", f"{base}?search=%00", {}, 200),
        ("GET", f"{base}/{'a' * 5000}", {}, 404),
        ("PUT", f"{base}/00000000-0000-0000-0000-000000000000", {"data": "x"}, 404),
    ]
    for method, url, kwargs, status in odd:
        response = oauth.request(method, url, **kwargs)
        assert response.status_code == status, (method, url, response.text)
        assert ("error" in response.json()) == (status >= 400)


def test_unauthorised_requests(emulator):
    base = f"{emulator.url}/zarr/v1/collections"
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic bG9jYWw6eA=="}):
        response = requests.get(base, headers=headers, timeout=5)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "COMMON_UNAUTHORIZED"


def test_crs_placeholder_constant_is_the_seed_value():
    assert CRS_4326.endswith("/EPSG/0/4326")


def test_read_only_fields_are_what_the_service_fills_in():
    """Derived from the wire models: a collection's fields that a create body has not."""
    assert {
        "id",
        "accountId",
        "userId",
        "created",
        "status",
        "ingestionErrors",
        "envelope",
        "width",
        "height",
        "zattrs",
        "additionalData",
    } == READ_ONLY_FIELDS


def test_search_is_case_folded_and_follows_renames(emulator, oauth):
    """The search compares case-folded names (beyond ASCII: 'ß' is 'ss'), in SQL, and a
    renamed collection is found by its new name only."""
    made = create(oauth, emulator.url, name="Straße 1")
    create(oauth, emulator.url, name="Strasse 10")
    url = f"{emulator.url}/api/v1/zarr/collections"
    found = oauth.get(url, params={"search": "STRASSE 1"}).json()["data"]
    assert sorted(c["name"] for c in found) == ["Strasse 10", "Straße 1"]
    assert oauth.put(f"{url}/{made['id']}", json={"name": "renamed"}).status_code == 204
    assert [c["name"] for c in oauth.get(url, params={"search": "straße"}).json()["data"]] == [
        "Strasse 10"
    ]
    assert [c["id"] for c in oauth.get(url, params={"search": "RENAMED"}).json()["data"]] == [
        made["id"]
    ]
