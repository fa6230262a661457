"""A bounded load test on loopback: threads of two accounts creating, listing, renaming and
deleting concurrently for a fixed number of operations (and at most ~10 s), while a pager
walks a list that changes between its pages. Afterwards every account holds exactly what
its workers kept: nothing lost, duplicated or visible to the other account; no page walk
repeated or skipped a stable item."""

from __future__ import annotations

import statistics
import threading
import time
from collections import defaultdict
from typing import Any

import pytest
import requests
from harness import summary
from harness.measure import p99

from pulumi_zarr.emulator.server import Emulator

CLIENTS = {"load-a": "secret-a", "load-b": "secret-b"}
CRS = "http://www.opengis.net/def/crs/EPSG/0/4326"
WORKERS_PER_ACCOUNT = 6
ROUNDS = 80  # create, list, rename, (delete every other) per round
TIME_LIMIT = 10.0
STABLE = 40


class Account:
    def __init__(self, url: str, client_id: str) -> None:
        token = requests.post(
            f"{url}/auth/realms/main/protocol/openid-connect/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": CLIENTS[client_id],
            },
            timeout=10,
        ).json()["access_token"]
        self.base = f"{url}/zarr/v1/collections"
        self.headers = {"Authorization": f"Bearer {token}"}

    def session(self) -> requests.Session:
        session = requests.Session()
        session.headers.update(self.headers)
        return session

    def walk(self, session: requests.Session, count: int = 100, pause: float = 0) -> list[str]:
        """Every id, page by page (``pause`` between pages, so the list changes meanwhile)."""
        ids: list[str] = []
        params: dict[str, Any] = {"count": count}
        while True:
            body = session.get(self.base, params=params, timeout=10).json()
            ids += [c["id"] for c in body["data"]]
            token = (body.get("links") or {}).get("nextToken")
            if not token or not body["data"]:
                return ids
            params = {"count": count, "viewtoken": token}
            time.sleep(pause)


@pytest.fixture(scope="module")
def load_emulator(tmp_path_factory):
    with Emulator(tmp_path_factory.mktemp("load"), clients=CLIENTS, ingest_delay=0.05) as emu:
        yield emu


def test_concurrent_lifecycle_across_two_accounts(request, load_emulator):
    accounts = {cid: Account(load_emulator.url, cid) for cid in CLIENTS}
    latencies: dict[str, list[float]] = defaultdict(list)
    kept: dict[str, dict[str, str]] = {cid: {} for cid in CLIENTS}  # id -> final name
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + TIME_LIMIT

    setup = accounts["load-a"].session()
    stable = set()
    for i in range(STABLE):
        body = {"name": f"stable-{i}", "s3Bucket": "cubes", "path": "s.zarr/", "crs": CRS}
        stable.add(setup.post(accounts["load-a"].base, json=body, timeout=10).json()["data"]["id"])

    def timed(op: str, call, *args: Any, expect: int, **kwargs: Any) -> Any:
        started = time.perf_counter()
        response = call(*args, timeout=10, **kwargs)
        elapsed = time.perf_counter() - started
        with lock:
            latencies[op].append(elapsed)
            if response.status_code != expect:
                failures.append(f"{op}: {response.status_code} {response.text[:200]}")
        return response

    def worker(cid: str, n: int) -> None:
        account, session = accounts[cid], accounts[cid].session()
        for i in range(ROUNDS):
            if time.monotonic() > deadline:
                return
            body = {"name": f"{cid}-{n}-{i}", "s3Bucket": "cubes", "path": "x.zarr/", "crs": CRS}
            made = timed("create", session.post, account.base, json=body, expect=201)
            cid_ = made.json()["data"]["id"]
            timed("list", session.get, account.base, params={"search": body["name"]}, expect=200)
            new = f"{body['name']}-r"
            timed("rename", session.put, f"{account.base}/{cid_}", json={"name": new}, expect=204)
            if i % 2:
                timed("delete", session.delete, f"{account.base}/{cid_}", expect=204)
            else:
                with lock:
                    kept[cid][cid_] = new

    walks: list[list[str]] = []

    def pager() -> None:
        session = accounts["load-a"].session()
        while time.monotonic() < deadline and any(t.is_alive() for t in threads):
            walks.append(accounts["load-a"].walk(session, count=7, pause=0.005))

    threads = [
        threading.Thread(target=worker, args=(cid, n))
        for cid in CLIENTS
        for n in range(WORKERS_PER_ACCOUNT)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    paging = threading.Thread(target=pager)
    paging.start()
    for t in threads:
        t.join(TIME_LIMIT + 10)
    paging.join(TIME_LIMIT + 10)
    elapsed = time.perf_counter() - started

    assert failures == [], failures[:5]
    ops = sum(len(v) for v in latencies.values())
    assert ops >= 100, "the load test did too little to mean anything"
    # every walk of a changing list: each stable item exactly once, no id twice
    assert walks, "the pager never completed a walk"
    for ids in walks:
        assert len(ids) == len(set(ids)), "a page walk repeated an item"
        assert stable <= set(ids), f"a page walk skipped {len(stable - set(ids))} stable items"
    # afterwards: exactly what was kept, per account, nothing of the other account
    for cid, account in accounts.items():
        session = account.session()
        ids = account.walk(session)
        assert len(ids) == len(set(ids)), "duplicate records"
        expected = set(kept[cid]) | (stable if cid == "load-a" else set())
        assert set(ids) == expected, (
            f"{cid}: lost {expected - set(ids)}, extra {set(ids) - expected}"
        )
        for id_, name in kept[cid].items():
            assert session.get(f"{account.base}/{id_}", timeout=10).json()["data"]["name"] == name
        other = accounts["load-b" if cid == "load-a" else "load-a"].session()
        for id_ in list(kept[cid])[:20]:
            assert other.get(f"{account.base}/{id_}", timeout=10).status_code == 404

    every = sorted(x for v in latencies.values() for x in v)
    p50, p99_ms = statistics.median(every) * 1000, p99(every) * 1000
    line = (
        f"{ops} requests by {len(threads)} threads + 1 pager ({len(walks)} page walks) in "
        f"{elapsed:.1f} s: {ops / elapsed:.0f} req/s, p50 {p50:.1f} ms, p99 {p99_ms:.1f} ms"
    )
    per_op = {
        op: (len(v), statistics.median(v) * 1000, p99(v) * 1000)
        for op, v in sorted(latencies.items())
    }
    summary.add(request, summary.LOAD_LINE, line)
    for op, (n, p50, high) in per_op.items():
        summary.add(
            request, summary.LOAD_LINE, f"  {op}: {n} requests, p50 {p50:.1f} ms, p99 {high:.1f} ms"
        )
