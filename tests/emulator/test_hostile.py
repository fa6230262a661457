"""Hostile input to the emulator, beyond test_api/test_auth/test_security: bad tokens on
every endpoint, traversal through array names, bodies on every write route, fuzzed create
payloads (hypothesis), and a schemathesis run against the emulator's own /openapi.json.

Always a 4xx in the error wrapper, never a 500, never a file outside the bucket root."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import PREFIXES, create, ingest, oauth_session, spec, wait_final

ZERO = "00000000-0000-0000-0000-000000000000"


def routes(cid: str) -> list[tuple[str, str, Any]]:
    """Every API endpoint under both prefixes: (method, path, json body)."""
    out = []
    for prefix in PREFIXES:
        base = f"{prefix}/collections"
        out += [
            ("GET", base, None),
            ("POST", base, spec()),
            ("GET", f"{base}/{cid}", None),
            ("PUT", f"{base}/{cid}", {"name": "x"}),
            ("DELETE", f"{base}/{cid}", None),
            ("PUT", f"{base}/{cid}/reingest", None),
            ("GET", f"{base}/{cid}/arrays", None),
            ("GET", f"{base}/{cid}/arrays/B1", None),
        ]
    return out


def assert_error(response: requests.Response, *statuses: int) -> dict[str, Any]:
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    error = response.json()["error"]
    assert isinstance(error["status"], int) and error["message"], error
    return error


def expired_token(emulator) -> str:
    """A correctly signed token of this emulator, for client ``local``, expired 1 s ago."""
    issuer = emulator.app.issuer
    claims = {"cid": "local", "exp": int(time.time()) - 1, "n": "expired"}
    payload = json.dumps(claims, separators=(",", ":")).encode()
    from pulumi_zarr.emulator.auth import _b64

    encoded = _b64(payload)
    return f"{encoded}.{issuer._sign(encoded)}"


def test_every_endpoint_refuses_missing_forged_expired_and_foreign_tokens(
    emulator, oauth, write_cube, buckets_dir
):
    write_cube()
    mine = create(oauth, emulator.url, path="demo.zarr/")
    real = oauth.access_token
    from pulumi_zarr.emulator.server import Emulator

    with Emulator(buckets_dir, clients={"local": "local-secret"}) as elsewhere:
        foreign = oauth_session(elsewhere.url).access_token
    bad = {
        "none": {},
        "forged": {"Authorization": f"Bearer {real[:-4]}AAAA"},
        "expired": {"Authorization": f"Bearer {expired_token(emulator)}"},
        "other emulator": {"Authorization": f"Bearer {foreign}"},
        "not bearer": {"Authorization": real},
    }
    for method, path, body in routes(mine["id"]):
        for why, headers in bad.items():
            response = requests.request(
                method, emulator.url + path, json=body, headers=headers, timeout=5
            )
            error = assert_error(response, 401)
            assert error["code"] == "COMMON_UNAUTHORIZED", (why, method, path)
    listed = oauth.get(f"{emulator.url}/zarr/v1/collections").json()["data"]
    assert [c["id"] for c in listed] == [mine["id"]], "no request above changed anything"
    assert (
        oauth.get(f"{emulator.url}/zarr/v1/collections/{mine['id']}").json()["data"]["name"]
        == mine["name"]
    )


@pytest.mark.parametrize(
    "array",
    ["..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..%5c..%5cx", "%00", "a" * 3000, "B1%2F.."],
)
def test_array_names_cannot_escape(emulator, oauth, write_cube, array):
    write_cube()
    collection = ingest(oauth, emulator.url)
    url = f"{emulator.url}/zarr/v1/collections/{collection['id']}/arrays/{array}"
    assert_error(requests.get(url, headers=_bearer(oauth), timeout=5), 400, 404)


def _bearer(oauth) -> dict[str, str]:
    return {"Authorization": f"Bearer {oauth.access_token}"}


@pytest.mark.parametrize("method,suffix", [("PUT", ""), ("PUT", "/reingest"), ("POST", "")])
def test_bodies_on_write_routes(emulator, oauth, write_cube, method, suffix):
    write_cube()
    collection = create(oauth, emulator.url)
    base = f"{emulator.url}/zarr/v1/collections"
    url = base if method == "POST" else f"{base}/{collection['id']}{suffix}"
    hostile = [
        {"data": b"<xml/>", "headers": {"Content-Type": "application/xml"}},
        {"data": b'{"name": ', "headers": {"Content-Type": "application/json"}},
        {"data": b"\xff\xfe\x00", "headers": {"Content-Type": "application/json"}},
        {"json": {"name": "y" * 70_000}},
        {"json": {"name": 5}},
        {"json": {"name": None, "s3Bucket": ["a"], "crs": {}}},
        {"json": "just a string"},
        {"data": b"[" * 5000 + b"]" * 5000, "headers": {"Content-Type": "application/json"}},
    ]
    for kwargs in hostile:
        response = oauth.request(method, url, **kwargs)
        if suffix == "/reingest" and response.status_code == 200:
            continue  # reingest takes no body: ignoring it is what the service does
        assert_error(response, 400, 413, 415, 422)
    assert oauth.get(f"{base}/{collection['id']}").json()["data"]["name"] == collection["name"]


TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
ODD_PATHS = st.sampled_from(
    ["../", "demo.zarr/../../", "/etc/", "%2e%2e/", "..%2F", "a\\..\\", "./", "link.zarr/"]
)
JSONISH = st.one_of(st.none(), st.booleans(), st.integers(), TEXT, st.lists(TEXT, max_size=2))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    payload=st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(TEXT, JSONISH),
            "s3Bucket": st.one_of(st.sampled_from(["cubes", "..", "/", "c%2e"]), JSONISH),
            "path": st.one_of(ODD_PATHS.flatmap(lambda p: st.just(p)), TEXT, JSONISH),
            "crs": st.one_of(st.sampled_from(["http://www.opengis.net/def/crs/EPSG/0/4326"]), TEXT),
            "extra": JSONISH,
        },
    )
)
def test_fuzzed_create_payloads_never_500_nor_escape(emulator, oauth, buckets_dir, payload):
    response = oauth.post(f"{emulator.url}/zarr/v1/collections", json=payload)
    if response.status_code == 201:
        made = response.json()["data"]
        assert made["s3Bucket"] == "cubes"
        assert ".." not in made["path"].split("/") and not made["path"].startswith("/")
        oauth.delete(f"{emulator.url}/zarr/v1/collections/{made['id']}")
    else:
        assert_error(response, 400, 413, 415)


def test_schemathesis_finds_no_server_error(emulator, oauth, write_cube):
    """Requests generated from the emulator's own /openapi.json, for every operation,
    authorised and not: never a 5xx, errors always in the wrapper."""
    write_cube()
    ingest(oauth, emulator.url)  # so some generated ids and array names may exist
    schema = schemathesis.openapi.from_url(f"{emulator.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    seen: list[tuple[str, int]] = []

    for operation in operations:

        @settings(
            max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            for headers in (_bearer(oauth), {}):
                response = case.call(headers=headers, timeout=5)
                seen.append((case.method, response.status_code))
                assert response.status_code < 500, (case.method, case.formatted_path, response.text)
                if response.status_code >= 400:
                    assert "error" in response.json()

        run()
    assert any(status < 300 for _, status in seen), "no generated request was accepted"
    assert any(status == 401 for _, status in seen)


def test_random_ids_are_404_not_500(emulator, oauth):
    base = f"{emulator.url}/zarr/v1/collections"
    for cid in (ZERO, str(uuid.uuid4()), "not-a-uuid", "%2e%2e", "1" * 40):
        for method, suffix in (("GET", ""), ("DELETE", ""), ("PUT", "/reingest")):
            assert_error(oauth.request(method, f"{base}/{cid}{suffix}"), 400, 404)


# -- hostile stores: absurd metadata, crashing workers, restarts -----------------------------
def _deep(depth: int) -> str:
    return '{"a": ' + "[" * depth + "]" * depth + "}"


ABSURD = {
    "deep.zarr": (".zattrs", _deep(100), "nests deeper than"),
    "deeper.zarr": (".zattrs", _deep(990), "nests"),
    "deepest.zarr": (".zattrs", _deep(200_000), "nests too deeply"),
    "huge.zarr": (".zattrs", json.dumps({"a": "x" * 5_000_000}), "bytes of JSON, more than"),
    "array.zarr": (
        "B1/.zattrs",
        _deep(500).replace("{", '{"_ARRAY_DIMENSIONS": ["y", "x"], ', 1),
        "array 'B1'",
    ),
}


def test_absurd_metadata_ends_failed_and_never_breaks_a_get_or_list(
    emulator, oauth, write_cube, buckets_dir
):
    made = {}
    for path, (file, text, _) in ABSURD.items():
        write_cube(buckets_dir / "cubes" / path)
        (buckets_dir / "cubes" / path / file).write_text(text)
        made[path] = create(oauth, emulator.url, name=path, path=path + "/")["id"]
    for path, cid in made.items():
        final = wait_final(oauth, emulator.url, cid)
        assert final["status"] == "FAILED", (path, final["status"])
        assert ABSURD[path][2] in final["ingestionErrors"], final["ingestionErrors"]
        listed = oauth.get(f"{emulator.url}/zarr/v1/collections/{cid}/arrays")
        assert listed.status_code == 200 and listed.json()["data"] == []
    listed = oauth.get(f"{emulator.url}/zarr/v1/collections")
    assert listed.status_code == 200 and len(listed.content) < 20_000
    assert {c["status"] for c in listed.json()["data"]} == {"FAILED"}


def test_a_crashing_ingestion_run_marks_the_collection_failed(
    emulator, oauth, write_cube, monkeypatch
):
    from pulumi_zarr.emulator import ingestion

    write_cube()
    for kind, run in (
        ("ZeroDivisionError", lambda *_: 1 / 0),
        # an outcome that cannot even be stored (not JSON): the run crashes after the rules
        ("TypeError", lambda *_: {"status": "INGESTED", "x": {1, 2}}),
    ):
        monkeypatch.setattr(ingestion, "run_rules", run)
        final = wait_final(oauth, emulator.url, create(oauth, emulator.url, name=kind)["id"])
        assert final["status"] == "FAILED"
        assert f"ingestion crashed ({kind})" in final["ingestionErrors"]


def test_ingestions_cut_short_are_finished_or_failed_at_the_next_start(
    buckets_dir, write_cube, tmp_path
):
    """Rows left INGESTING by an emulator that stopped: each is run again at start-up, or
    FAILED once its runs were cut short MAX_RUNS times (a store that kills the emulator)."""
    import sqlite3

    from pulumi_zarr.emulator.auth import account_id
    from pulumi_zarr.emulator.database import _SCHEMA, Database
    from pulumi_zarr.emulator.ingestion import MAX_RUNS
    from pulumi_zarr.emulator.server import Emulator

    write_cube()
    state = tmp_path / "state.sqlite"
    with sqlite3.connect(state) as old:  # a state file from before the run count
        old.executescript(_SCHEMA.replace(",\n    runs        INTEGER NOT NULL DEFAULT 0", ""))
    db = Database(state)
    rows = {}
    for name, runs in (("again", MAX_RUNS - 1), ("given-up", MAX_RUNS)):
        row = db.insert(
            id=str(uuid.uuid4()),
            account_id=account_id("local"),
            name=name,
            created="2026-01-01T00:00:00.000Z",
            s3_bucket="cubes",
            path="demo.zarr/",
            crs=spec()["crs"],
            started_at=time.time(),
            ready_at=time.time(),
        )
        for _ in range(runs):
            db.count_run(row.id, row.generation)
        rows[name] = row.id
    db.close()
    with Emulator(buckets_dir, state_path=state, ingest_delay=0.1) as restarted:
        oauth = oauth_session(restarted.url)
        again = wait_final(oauth, restarted.url, rows["again"])
        given_up = wait_final(oauth, restarted.url, rows["given-up"])
    assert again["status"] == "INGESTED"
    assert given_up["status"] == "FAILED"
    assert f"interrupted {MAX_RUNS} times" in given_up["ingestionErrors"]


def test_names_the_provider_refuses_are_refused_here_too(emulator, oauth):
    for name in ("n" * 257, "line\nbreak", "nul\x00", "\x1b[31mred"):
        response = oauth.post(f"{emulator.url}/zarr/v1/collections", json=spec(name=name))
        error = assert_error(response, 400)
        assert error["message"].startswith("name: must"), error


def test_fault_rules_are_checked(emulator):
    with pytest.raises(ValueError):
        emulator.control.add_fault(repeat=0)
    with pytest.raises(ValueError):
        emulator.control.add_fault(reroute="no-slash")
    response = requests.post(f"{emulator.url}/_emulator/faults", json={"drip": -1}, timeout=5)
    assert response.status_code == 400
