"""Test controls: rate limit, fault injection (status, delay, drops), counters, stuck, timeline."""

from __future__ import annotations

import time

import pytest
import requests

from .helpers import TOKEN_PATH, create, get, spec, wait_final


def test_rate_limit_is_429_with_retry_after_in_ms(emulator, oauth):
    emulator.control.set_rate_limit(3, window=1.0)
    url = f"{emulator.url}/zarr/v1/collections"
    assert [oauth.get(url).status_code for _ in range(3)] == [200, 200, 200]
    limited = oauth.get(url)
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    wait_ms = int(limited.headers["Retry-After"])
    assert 0 < wait_ms <= 1000
    time.sleep(wait_ms / 1000 + 0.05)
    assert oauth.get(url).status_code == 200
    emulator.control.set_rate_limit(None)
    assert all(oauth.get(url).status_code == 200 for _ in range(10))


def test_rate_limit_is_per_client_and_covers_the_token_endpoint(emulator, session_for):
    mine, theirs = session_for("local"), session_for("other")
    emulator.control.set_rate_limit(2, window=30.0)
    url = f"{emulator.url}/zarr/v1/collections"
    assert [mine.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert theirs.get(url).status_code == 200
    form = {
        "grant_type": "client_credentials",
        "client_id": "local",
        "client_secret": "local-secret",
    }
    codes = [
        requests.post(emulator.url + TOKEN_PATH, data=form, timeout=5).status_code for _ in range(3)
    ]
    assert codes == [200, 200, 429]


def test_fault_status_with_retry_after_then_normal(emulator, oauth):
    emulator.control.add_fault(
        method="GET", path=r"/collections$", status=503, retry_after_ms=250, times=2
    )
    url = f"{emulator.url}/api/v1/zarr/collections"
    first, second, third = (oauth.get(url) for _ in range(3))
    assert first.status_code == second.status_code == 503
    assert first.headers["Retry-After"] == "250"
    assert first.json()["error"]["status"] == 503
    assert third.status_code == 200


def test_fault_skip_and_method_filter(emulator, oauth):
    emulator.control.add_fault(method="POST", path=r"/collections$", status=500, skip=1)
    url = f"{emulator.url}/zarr/v1/collections"
    assert oauth.get(url).status_code == 200  # other method: untouched
    assert oauth.post(url, json=spec()).status_code == 201  # first match skipped
    assert oauth.post(url, json=spec()).status_code == 500
    assert oauth.post(url, json=spec()).status_code == 201  # applied once only
    assert len(oauth.get(url).json()["data"]) == 2


def test_fault_delay(emulator, oauth):
    emulator.control.add_fault(path=r"/collections$", delay=0.3, times=-1)
    started = time.monotonic()
    assert oauth.get(f"{emulator.url}/zarr/v1/collections").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_drop_before_has_no_side_effect(emulator, oauth):
    emulator.control.add_fault(method="POST", path=r"/collections$", drop="before")
    with pytest.raises(requests.ConnectionError):
        oauth.post(f"{emulator.url}/zarr/v1/collections", json=spec(name="lost"))
    assert oauth.get(f"{emulator.url}/zarr/v1/collections").json()["data"] == []


def test_drop_after_applies_the_side_effect(emulator, oauth):
    emulator.control.add_fault(method="POST", path=r"/collections$", drop="after")
    with pytest.raises(requests.ConnectionError):
        oauth.post(f"{emulator.url}/zarr/v1/collections", json=spec(name="ambiguous"))
    names = [c["name"] for c in oauth.get(f"{emulator.url}/zarr/v1/collections").json()["data"]]
    assert names == ["ambiguous"]


def test_request_counters_by_route_template(emulator, oauth):
    emulator.control.reset_stats()
    cid = create(oauth, emulator.url)["id"]
    get(oauth, emulator.url, cid)
    oauth.get(f"{emulator.url}/api/v1/zarr/collections/{cid}/arrays")
    emulator.control.add_fault(method="GET", path="arrays$", status=503)
    oauth.get(f"{emulator.url}/api/v1/zarr/collections/{cid}/arrays")  # faults count too
    requests_ = emulator.control.stats()["requests"]
    assert requests_["POST /zarr/v1/collections"] == 1
    assert requests_["GET /zarr/v1/collections/{collection_id}"] == 1
    assert requests_["GET /api/v1/zarr/collections/{collection_id}/arrays"] == 2
    emulator.control.reset_stats()
    assert emulator.control.stats() == {"token_requests": {}, "requests": {}}


def test_stuck_rule_and_timeline(emulator, oauth, write_cube):
    write_cube()
    emulator.control.set_stuck(r"^stuck")
    stuck = create(oauth, emulator.url, name="stuck-1")["id"]
    free = create(oauth, emulator.url, name="free-1")["id"]
    assert wait_final(oauth, emulator.url, free)["status"] == "INGESTED"
    time.sleep(0.1)
    assert get(oauth, emulator.url, stuck)["status"] == "INGESTING"
    assert emulator.control.timeline(stuck)["finalAt"] is None
    timeline = emulator.control.timeline(free)
    assert timeline["status"] == "INGESTED"
    assert timeline["finalAt"] >= timeline["startedAt"] + 0.2 - 1e-3
    emulator.control.set_stuck(None)
    assert get(oauth, emulator.url, stuck)["status"] == "INGESTED"
    assert emulator.control.timeline("00000000-0000-0000-0000-000000000000") is None


def test_http_control_api(emulator, oauth):
    admin = f"{emulator.url}/_emulator"
    rule = requests.post(
        f"{admin}/faults",
        json={"method": "GET", "path": "collections$", "status": 429, "retry_after_ms": 10},
        timeout=5,
    )
    assert rule.status_code == 201 and rule.json()["id"]
    assert requests.get(f"{admin}/faults", timeout=5).json()[0]["status"] == 429
    assert oauth.get(f"{emulator.url}/zarr/v1/collections").status_code == 429
    assert requests.delete(f"{admin}/faults", timeout=5).status_code == 204
    assert requests.post(f"{admin}/faults", json={"drop": "sideways"}, timeout=5).status_code == 400
    assert (
        requests.put(
            f"{admin}/rate-limit", json={"max_requests": 1, "window": 60}, timeout=5
        ).status_code
        == 204
    )
    url = f"{emulator.url}/zarr/v1/collections"
    assert [oauth.get(url).status_code for _ in range(2)] == [200, 429]
    requests.put(f"{admin}/rate-limit", json={"max_requests": None}, timeout=5)
    assert requests.put(f"{admin}/stuck", json={"pattern": "x"}, timeout=5).status_code == 204
    stats = requests.get(f"{admin}/stats", timeout=5).json()
    assert stats["token_requests"]["local"] == 1
    assert requests.post(f"{admin}/stats/reset", timeout=5).status_code == 204
    assert requests.get(f"{admin}/stats", timeout=5).json()["requests"] == {}
    # admin routes are not part of the public API description
    schema = requests.get(f"{emulator.url}/openapi.json", timeout=5).json()
    assert not [p for p in schema["paths"] if "_emulator" in p or "openid" in p]


NOT_DURATIONS = [float("nan"), float("inf"), -1.0]


@pytest.mark.parametrize("value", NOT_DURATIONS)
@pytest.mark.parametrize("option", ["ingest_delay", "token_ttl"])
def test_the_emulator_refuses_a_delay_or_ttl_that_is_not_a_duration(buckets_dir, option, value):
    from pulumi_zarr.emulator.server import Emulator

    with pytest.raises(ValueError, match=f"{option} must be a finite number of seconds"):
        Emulator(buckets_dir, **{option: value})


@pytest.mark.parametrize("value", NOT_DURATIONS)
def test_the_controls_refuse_a_delay_that_is_not_a_duration(value):
    from pulumi_zarr.emulator.control import Control

    control = Control()
    for rule in ({"delay": value}, {"drip": value}):
        with pytest.raises(ValueError, match="must be a finite number of seconds"):
            control.add_fault(**rule)
    with pytest.raises(ValueError, match="window must be a finite number of seconds, above 0"):
        control.set_rate_limit(5, window=value)
    assert control.faults() == []
