"""Response bodies validate against the official OpenAPI schemas (JSON Schema 2020-12)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .helpers import PREFIXES, create, spec, wait_final

DATA = Path(__file__).parent.parent / "data" / "openapi"
COLLECTIONS = yaml.safe_load((DATA / "sentinel-hub-zarr-collection-api-openapi.yml").read_text())
ARRAYS = yaml.safe_load((DATA / "sentinel-hub-zarr-array-api-openapi.yml").read_text())
VIEW = json.loads((DATA / "View.json").read_text())


def _validator(document: dict[str, Any], pointer: str) -> Draft202012Validator:
    """A validator for ``#/components/...`` of an OpenAPI document (refs resolved in it)."""
    uri = "urn:openapi:" + document["info"]["title"].replace(" ", "-")
    registry = Registry().with_resource(
        uri, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    return Draft202012Validator({"$ref": f"{uri}#{pointer}"}, registry=registry)


def response_schema(document: dict[str, Any], path: str, method: str, status: str):
    response = document["paths"][path][method]["responses"][status]
    if "$ref" in response:
        name = response["$ref"].split("/")[-1]
        response = document["components"]["responses"][name]
    content = response["content"]
    media = next(iter(content))  # 'application/json' (or the spec's 'aplication/json')
    ref = content[media]["schema"]["$ref"]
    return _validator(document, ref[1:])


def check(validator: Draft202012Validator, body: Any) -> None:
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


VIEW_VALIDATOR = Draft202012Validator(VIEW, format_checker=Draft202012Validator.FORMAT_CHECKER)
C = "/zarr/v1/collections"
CI = "/zarr/v1/collections/{collectionId}"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_operation_matches_the_schema(emulator, oauth, write_cube, prefix):
    write_cube(times=2, fill_value=-1)
    base = emulator.url + prefix
    created = oauth.post(f"{base}/collections", json=spec())
    assert created.status_code == 201
    check(response_schema(COLLECTIONS, C, "post", "201"), created.json())
    cid = created.json()["data"]["id"]
    ingested = wait_final(oauth, emulator.url, cid, prefix=prefix)
    assert ingested["status"] == "INGESTED"

    one = oauth.get(f"{base}/collections/{cid}").json()
    check(response_schema(COLLECTIONS, CI, "get", "200"), one)
    listed = oauth.get(f"{base}/collections", params={"count": 1}).json()
    check(response_schema(COLLECTIONS, C, "get", "200"), listed)
    check(VIEW_VALIDATOR, listed["links"])
    again = oauth.put(f"{base}/collections/{cid}/reingest").json()
    check(response_schema(COLLECTIONS, CI + "/reingest", "put", "200"), again)
    wait_final(oauth, emulator.url, cid, prefix=prefix)

    arrays = oauth.get(f"{base}/collections/{cid}/arrays", params={"count": 1}).json()
    check(response_schema(ARRAYS, CI + "/arrays", "get", "200"), arrays)
    check(VIEW_VALIDATOR, arrays["links"])
    assert arrays["links"]["nextToken"]
    array = oauth.get(f"{base}/collections/{cid}/arrays/B1").json()
    check(response_schema(ARRAYS, CI + "/arrays/{arrayName}", "get", "200"), array)


def test_failed_and_pending_collections_match_the_schema(emulator, oauth):
    cid = create(oauth, emulator.url, bucket="missing")["id"]
    validator = response_schema(COLLECTIONS, CI, "get", "200")
    check(validator, oauth.get(f"{emulator.url}/zarr/v1/collections/{cid}").json())
    failed = wait_final(oauth, emulator.url, cid)
    failed.pop("_seen")
    assert failed["status"] == "FAILED"
    check(validator, {"data": failed})


def test_errors_match_the_error_wrapper(emulator, oauth):
    base = f"{emulator.url}/zarr/v1/collections"
    bad = oauth.post(base, json={"name": 1})
    check(response_schema(COLLECTIONS, C, "post", "400"), bad.json())
    missing = oauth.get(f"{base}/00000000-0000-0000-0000-000000000000")
    check(response_schema(COLLECTIONS, CI, "get", "404"), missing.json())
    for body in (oauth.get(f"{emulator.url}/zarr/v1/nope").json(), oauth.patch(base).json()):
        check(response_schema(COLLECTIONS, C, "post", "400"), body)  # same RestErrorWrapper


def test_the_validator_rejects_off_schema_bodies():
    validator = response_schema(COLLECTIONS, CI, "get", "200")
    good = {
        "data": {
            "id": "x",
            "name": "n",
            "s3Bucket": "b",
            "path": "p/",
            "crs": "c",
            "status": "INGESTED",
            "envelope": None,
        }
    }
    assert list(validator.iter_errors(good))  # envelope null is not a Polygon
    good["data"].pop("envelope")
    assert not list(validator.iter_errors(good))
    assert list(validator.iter_errors({"data": {**good["data"], "status": "DONE"}}))
