"""The fault matrix: every lifecycle call of the provider, through the engine protocol,
against every kind of fault the emulator can inject (and a misbehaving server of our own).

Each case states its expected outcome: ``ok`` (the call succeeds despite the fault) or
``error`` (a clear error naming what happened). After every cell the service is audited
(conftest ``record``): no orphaned or duplicated collection, no foreign collection deleted,
no secret or token in any message or output; and what the provider returned is what exists.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from harness.fixtures import (
    CLIENT_ID,
    CRS_4326,
    GOOD_BUCKET,
    GOOD_PATH,
    PLANTED_SECRET,
    RecordingHost,
    write_failing_cube,
)
from harness.measure import unique
from harness.servers import RawServer

from pulumi_zarr.api.client import MAX_PAGES
from pulumi_zarr.testing.engine import ProviderError, secret

from .conftest import FAST_CLIENT

ID = r"[0-9a-f-]{36}"
PREFIX = "/api/v1/zarr/collections"
TOKEN = "/openid-connect/token$"
#: ingestion_timeout_seconds of the creates: how long a lost POST is looked for.
CREATE_TIMEOUT = 4
#: FAST_CLIENT's request timeout: what a create may take beyond CREATE_TIMEOUT.
REQUEST_TIMEOUT = float(FAST_CLIENT["SH_ZARR_TIMEOUT_SECONDS"])

#: call -> (method, path regex) of the request the fault hits
TARGETS = {
    "create POST": ("POST", PREFIX + "$"),
    "create search": ("GET", PREFIX + "$"),
    "create poll": ("GET", f"{PREFIX}/{ID}$"),
    "create arrays": ("GET", f"{PREFIX}/{ID}/arrays$"),
    "read": ("GET", f"{PREFIX}/{ID}$"),
    "read arrays": ("GET", f"{PREFIX}/{ID}/arrays$"),
    "rename": ("PUT", f"{PREFIX}/{ID}$"),
    "reingest": ("PUT", f"{PREFIX}/{ID}/reingest$"),
    "delete": ("DELETE", f"{PREFIX}/{ID}$"),
}


@dataclass
class Case:
    fault: str
    rule: dict[str, Any]
    expected: str  # "ok" or "error"
    says: tuple[str, ...] = field(default=())  # words the error must contain


FAULTS = [
    Case("429 once (Retry-After 50 ms)", {"status": 429, "retry_after_ms": 50}, "ok"),
    Case(
        "429 beyond the retry budget",
        {"status": 429, "retry_after_ms": 20, "times": -1},
        "error",
        ("429",),
    ),
    Case("500 once", {"status": 500}, "ok"),
    Case("502 once", {"status": 502}, "ok"),
    Case("503 once", {"status": 503}, "ok"),
    Case("503 always", {"status": 503, "times": -1}, "error", ("503",)),
    Case("connection dropped before", {"drop": "before"}, "ok"),
    Case("slower than the client timeout", {"delay": 1.5}, "ok"),
    Case("401 once (token expired)", {"status": 401}, "ok"),
]

#: The POST is never sent twice. An outcome it cannot know (5xx, dropped connection) is
#: followed by looking for the collection until the create's deadline; when none appears
#: the error says it may still appear and the next `up` will find it. Only a request that
#: provably never had an effect (429: refused) may say "nothing was created".
MAY_STILL = ("error", ("may still have created it", "import_id", "never made"))
POST_OUTCOME = {
    "429 beyond the retry budget": ("error", ("429", "nothing was created")),
    "500 once": MAY_STILL,
    "502 once": MAY_STILL,
    "503 once": MAY_STILL,
    "503 always": MAY_STILL,
    "connection dropped before": MAY_STILL,
}


def inputs(host: RecordingHost, name: str, **extra: Any) -> dict[str, Any]:
    props = {
        "name": name,
        "s3_bucket": GOOD_BUCKET,
        "path": GOOD_PATH,
        "crs": CRS_4326,
        "ingestion_timeout_seconds": CREATE_TIMEOUT,
        **extra,
    }
    checked, failures = host.check({}, props)
    assert failures == [], failures
    return checked


def fault_on(emu, call: str, rule: dict[str, Any]) -> None:
    method, path = TARGETS[call]
    emu.control.add_fault(method=method, path=path, **rule)


def expect(outcome: str, error: ProviderError | None, says: tuple[str, ...]) -> str:
    if outcome == "ok":
        assert error is None, f"expected success, got: {error and error.message}"
        return "ok"
    assert error is not None, "expected a clear error, the call succeeded"
    for word in says:
        assert word.lower() in error.message.lower(), error.message
    text = " ".join(error.message.split())
    return "error: …" + text[-75:]  # the end of the message: what to do


def run(fn, *args: Any, **kwargs: Any) -> tuple[Any, ProviderError | None]:
    try:
        return fn(*args, **kwargs), None
    except ProviderError as exc:
        return None, exc


def said(*errors: ProviderError | None) -> list[str]:
    """What the user saw: the error messages (the whole host error text)."""
    return [e.details for e in errors if e is not None]


def ours(api, name: str) -> list[dict[str, Any]]:
    return api.named(name)


def posts(emu) -> list[str]:
    return [r for r in emu.control.journal() if r == f"POST {PREFIX}"]


@pytest.fixture(autouse=True)
def clean_faults(emu):
    emu.control.clear_faults()
    emu.control.reset_stats()
    yield
    emu.control.clear_faults()
    emu.control.set_stuck(None)


def existing(api, name: str) -> dict[str, Any]:
    made = api.create(name, GOOD_BUCKET, GOOD_PATH, CRS_4326)
    return api.wait_final(made["id"])


def next_up(host, api, props: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The next `pulumi up` after a create failed, faults gone: (ids it keeps, messages)."""
    result, error = run(host.create, props)
    if error is None:
        return [result[0]], []
    assert 'import_id="' in error.message, error.message  # it found the collection
    return [], said(error)


def cleanup(api, name: str) -> None:
    for collection in ours(api, name):
        api.delete(collection["id"])


CREATE_CALLS = ("create POST", "create poll", "create arrays")


@pytest.mark.parametrize("case", FAULTS, ids=lambda c: c.fault)
@pytest.mark.parametrize("call", CREATE_CALLS)
def test_create(host, emu, api, record, call, case):
    expected, says = case.expected, case.says
    if call == "create POST" and case.fault in POST_OUTCOME:
        expected, says = POST_OUTCOME[case.fault]
    name = unique("fm")
    props = inputs(host, name)
    fault_on(emu, call, case.rule)
    result, error = run(host.create, props)
    emu.control.clear_faults()
    outcome = expect(expected, error, says)
    kept, messages = ([result[0]], []) if error is None else ([], said(error))
    if error is not None and "may still" in error.message:
        kept, later = next_up(host, api, props)
        messages += later
    record(call, case.fault, expected, outcome, names=[name], kept=kept, said=messages)
    found = ours(api, name)
    if error is None:
        id_, outs = result
        assert [c["id"] for c in found] == [id_], "exactly the returned collection exists"
        assert outs["status"] == found[0]["status"] == "INGESTED"
    elif call != "create POST":
        assert found == [], f"create failed but left {found}"
    cleanup(api, name)


def test_create_post_answer_lost_finds_the_one_it_made(host, emu, api, record):
    name = unique("fm")
    props = inputs(host, name)
    fault_on(emu, "create POST", {"drop": "after"})
    result, error = run(host.create, props)
    emu.control.clear_faults()
    outcome = expect("ok", error, ())
    record(
        "create POST", "answer lost (dropped after)", "ok", outcome, names=[name], kept=[result[0]]
    )
    assert [c["id"] for c in ours(api, name)] == [result[0]], "one collection, the one returned"
    assert len(posts(emu)) == 1
    cleanup(api, name)


def test_create_never_posts_when_an_identical_collection_exists(host, emu, api, record):
    name = unique("fm")
    there = existing(api, name)
    props = inputs(host, name)
    emu.control.reset_stats()
    _, error = run(host.create, props)
    outcome = expect("error", error, (f'import_id="{there["id"]}"', there["created"], "delete"))
    record(
        "create", "identical collection exists", "error", outcome, names=[name], said=said(error)
    )
    assert posts(emu) == [], "nothing was POSTed"
    assert [c["id"] for c in ours(api, name)] == [there["id"]]
    # the line the error gives adopts it: no POST, and it is managed from then on
    adopted, error = run(host.create, {**props, "import_id": there["id"]})
    assert error is None and adopted[0] == there["id"] and posts(emu) == []
    host.delete(adopted[0], {**props, **adopted[1]})
    assert api.get(there["id"]) is None


def test_create_search_before_the_post_fails(host, emu, api, record):
    name = unique("fm")
    props = inputs(host, name)
    fault_on(emu, "create search", {"status": 503, "times": -1})
    _, error = run(host.create, props)
    emu.control.clear_faults()
    outcome = expect("error", error, ("could not check", "nothing was created"))
    record("create search", "503 always", "error", outcome, names=[name], said=said(error))
    assert posts(emu) == [] and ours(api, name) == []


#: (fault, rules): the POST's answer is lost, and the lookups after it fail too.
LOOKUP_FAULTS = [
    ("answer lost, then 3 lookups fail (503)", "ok", {"status": 503, "times": 3, "skip": 1}),
    (
        "answer lost, then every lookup fails (503)",
        "error",
        {"status": 503, "times": -1, "skip": 1},
    ),
]


@pytest.mark.parametrize(("fault", "expected", "rule"), LOOKUP_FAULTS, ids=lambda v: str(v)[:30])
def test_create_lost_answer_and_failing_lookups(host, emu, api, record, fault, expected, rule):
    name = unique("fm")
    props = inputs(host, name)
    fault_on(emu, "create POST", {"drop": "after"})
    fault_on(emu, "create search", rule)  # skip 1: the search before the POST passes
    result, error = run(host.create, props)
    emu.control.clear_faults()
    says = ("may still have created it", "looking it up failed as well", "import_id")
    outcome = expect(expected, error, says if expected == "error" else ())
    if error is None:
        kept, messages = [result[0]], []
    else:  # it exists: the next `up` finds it and says how to adopt it (no second POST)
        kept, messages = next_up(host, api, props)
        messages += said(error)
    record("create POST", fault, expected, outcome, names=[name], kept=kept, said=messages)
    assert len(posts(emu)) == 1, "never a second POST"
    cleanup(api, name)


def test_create_without_waiting_looks_for_a_lost_post_until_its_own_deadline(
    host, emu, api, record
):
    """wait_for_ingestion=False: after a POST whose answer was lost, the lookup is bounded by
    the create's own deadline (the search and the POST, one request's budget each), not by
    ingestion_timeout_seconds (here 1,800 s, which an `up` of 1,200 once hung on). Still one
    POST, and the next `up` finds the collection instead of making a second one."""
    name = unique("fm")
    props = inputs(host, name, wait_for_ingestion=False, ingestion_timeout_seconds=1800)
    fault_on(emu, "create POST", {"drop": "after"})
    fault_on(emu, "create search", {"status": 503, "times": -1, "skip": 1})
    _, error = run(host.create, props)
    emu.control.clear_faults()
    budget = 2 * REQUEST_TIMEOUT * int(FAST_CLIENT["SH_ZARR_MAX_ATTEMPTS"])
    says = (*MAY_STILL[1], "looking it up failed as well", "wait_for_ingestion being false")
    outcome = expect("error", error, (*says, f"by the deadline ({budget:g} s"))
    assert "ingestion_timeout_seconds" not in error.message, error.message
    kept, messages = next_up(host, api, props)
    record(
        "create POST",
        "answer lost, every lookup fails, not waiting",
        "error",
        outcome,
        names=[name],
        kept=kept,
        said=[*said(error), *messages],
    )
    assert kept == [] and len(ours(api, name)) == 1 and len(posts(emu)) == 1, "never two"
    cleanup(api, name)


def test_create_post_that_lands_after_the_deadline(host, emu, api, record):
    """The POST takes longer than the whole create: the error must not say nothing was made,
    and the next `up` finds the collection instead of making a second one."""
    name = unique("fm")
    props = inputs(host, name)
    fault_on(emu, "create POST", {"delay": CREATE_TIMEOUT + 1.5})
    _, error = run(host.create, props)
    outcome = expect("error", error, MAY_STILL[1])
    assert "nothing was created" not in error.message
    deadline = time.monotonic() + 10
    while not ours(api, name) and time.monotonic() < deadline:  # the POST lands meanwhile
        time.sleep(0.2)
    kept, messages = next_up(host, api, props)
    record(
        "create POST",
        "lands after the create's deadline",
        "error",
        outcome,
        names=[name],
        kept=kept,
        said=[*said(error), *messages],
    )
    assert kept == [] and len(ours(api, name)) == 1 and len(posts(emu)) == 1
    cleanup(api, name)


def about(collection: dict[str, Any]) -> dict[str, Any]:
    """An answer's ``data`` describing ``collection``."""
    return {k: collection[k] for k in ("id", "name", "s3Bucket", "path", "crs", "status")}


def bad_answers(foreign: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """2xx/3xx answers the service gives to a POST it did carry out."""
    body = about(foreign[0])
    return [
        ("201 with an empty body", {"status": 201, "body": ""}),
        (
            "201 with HTML",
            {
                "status": 201,
                "body": "<html>Created</html>",
                "headers": {"content-type": "text/html"},
            },
        ),
        ("201 with truncated JSON", {"status": 201, "body": '{"data": {"id": "'}),
        ("201 not wrapped in data", {"status": 201, "body": json.dumps(body)}),
        ("201 without an id", {"status": 201, "body": json.dumps({"data": {**body, "id": None}})}),
        ("201 with id '..'", {"status": 201, "body": json.dumps({"data": {**body, "id": ".."}})}),
        ("201 about a stranger's collection", {"status": 201, "body": json.dumps({"data": body})}),
        ("201 larger than 8 MiB", {"status": 201, "body": " " * 65536, "repeat": 200}),
        ("303 redirect", {"status": 303, "body": "", "headers": {"location": "/elsewhere"}}),
    ]


@pytest.mark.parametrize("index", range(9))
def test_create_post_answer_unusable(host, emu, api, record, foreign, index):
    fault, rule = bad_answers(foreign)[index]
    name = unique("fm")
    props = inputs(host, name)
    fault_on(emu, "create POST", {**rule, "handle": True})
    result, error = run(host.create, props)
    emu.control.clear_faults()
    outcome = expect("ok", error, ())
    record("create POST", fault, "ok", outcome, names=[name], kept=[result[0]], shown=[result[1]])
    assert [c["id"] for c in ours(api, name)] == [result[0]], "adopted the one it made"
    assert result[0] not in {c["id"] for c in foreign}
    cleanup(api, name)


def test_create_post_answer_dripped(host, emu, api, record):
    """A 201 sent a byte every 0.5 s: the create ends within its timeout plus one request
    timeout, with the collection adopted or deleted."""
    name = unique("fm")
    props = inputs(host, name)
    fault_on(emu, "create POST", {"drip": 0.5})
    started = time.monotonic()
    result, error = run(host.create, props)
    took = time.monotonic() - started
    emu.control.clear_faults()
    outcome = expect("ok", error, ())
    record(
        "create POST", "201 dripped a byte per 0.5 s", "ok", outcome, names=[name], kept=[result[0]]
    )
    assert took <= CREATE_TIMEOUT + REQUEST_TIMEOUT + 1.0, took
    cleanup(api, name)


def test_create_poll_dripped(host, emu, api, record):
    name = unique("fm")
    props = inputs(host, name)
    fault_on(emu, "create poll", {"drip": 0.3, "times": -1})
    started = time.monotonic()
    _, error = run(host.create, props)
    took = time.monotonic() - started
    emu.control.clear_faults()
    outcome = expect("error", error, ("deadline", "was deleted"))
    record(
        "create poll",
        "answer dripped a byte per 0.3 s",
        "error",
        outcome,
        names=[name],
        said=said(error),
    )
    assert took <= CREATE_TIMEOUT + REQUEST_TIMEOUT + 1.0, took
    assert ours(api, name) == []


def test_create_poll_answers_another_collection(host, emu, api, record, foreign):
    name = unique("fm")
    props = inputs(host, name)
    fault_on(emu, "create poll", {"reroute": f"{PREFIX}/{foreign[0]['id']}", "times": -1})
    _, error = run(host.create, props)
    emu.control.clear_faults()
    outcome = expect("error", error, (foreign[0]["id"], "was deleted"))
    record(
        "create poll",
        "answers another collection",
        "error",
        outcome,
        names=[name],
        said=said(error),
    )
    assert ours(api, name) == []


def test_create_ingestion_failed(host, emu, api, buckets, record):
    write_failing_cube(buckets, GOOD_BUCKET, "fm-failing.zarr/")
    # what the service says about this store, seen directly
    probe = api.create(unique("fm-probe"), GOOD_BUCKET, "fm-failing.zarr/", CRS_4326)
    final = api.wait_final(probe["id"])
    api.delete(probe["id"])
    assert final["status"] == "FAILED" and final["ingestionErrors"], final
    name = unique("fm")
    props = inputs(host, name, path="fm-failing.zarr/")
    _, error = run(host.create, props)
    outcome = expect("error", error, ("failed to ingest", "nothing is left behind"))
    record("create", "ingestion FAILED", "error", outcome, names=[name], said=said(error))
    assert error is not None and final["ingestionErrors"] in error.message  # quoted
    assert name in error.message
    assert ours(api, name) == []


def test_create_ingestion_stuck(host, emu, api, record):
    name = unique("fm-stuck")
    emu.control.set_stuck(name)
    props = inputs(host, name, ingestion_timeout_seconds=1)
    _, error = run(host.create, props)
    outcome = expect("error", error, ("ingestion_timeout_seconds", "deleted"))
    record(
        "create", "stuck INGESTING past timeout", "error", outcome, names=[name], said=said(error)
    )
    assert ours(api, name) == []


# -- adopting with import_id ------------------------------------------------------------------
IMPORTS = [
    ("matches", {}, "ok", ()),
    ("only the name differs: renamed", {"name": "renamed"}, "ok", ()),
    ("path differs", {"path": "other.zarr/"}, "error", ("path", "the service has", "not adopted")),
    (
        "no such collection",
        {"import_id": "00000000-0000-4000-8000-000000000000"},
        "error",
        ("does not exist",),
    ),
    (
        "GET answers another collection",
        {"reroute": True},
        "error",
        ("not ", "nothing was recorded"),
    ),
    ("collection FAILED", {"failing": True}, "error", ("FAILED", "not adopted")),
]


@pytest.mark.parametrize(
    ("fault", "change", "expected", "says"), IMPORTS, ids=lambda v: str(v)[:24]
)
def test_import_id(host, emu, api, buckets, record, foreign, fault, change, expected, says):
    change = dict(change)
    path = GOOD_PATH
    if change.pop("failing", False):
        path = "fm-failing.zarr/"
        write_failing_cube(buckets, GOOD_BUCKET, path)
    name = unique("fm-adopt")
    there = api.wait_final(api.create(name, GOOD_BUCKET, path, CRS_4326)["id"])
    if change.pop("reroute", False):
        fault_on(emu, "read", {"reroute": f"{PREFIX}/{foreign[0]['id']}", "times": -1})
    new_name = name + "-" + change.pop("name") if "name" in change else name
    props = inputs(host, new_name, **{"path": path, "import_id": there["id"], **change})
    emu.control.reset_stats()
    result, error = run(host.create, props)
    emu.control.clear_faults()
    outcome = expect(expected, error, says)
    record(
        "create (import_id)",
        fault,
        expected,
        outcome,
        names=[name, new_name],
        kept=[there["id"]],  # the user's own collection: in the state now, or left as it was
        said=said(error),
        shown=[result[1]] if result else [],
    )
    assert posts(emu) == [], "adopting never POSTs"
    now = api.get(there["id"])
    if error is None:
        assert result[0] == there["id"] and now["name"] == new_name
        host.delete(result[0], {**props, **result[1]})  # managed now: destroy deletes it
        assert api.get(there["id"]) is None
    else:
        assert now == {**there, "status": now["status"]}, "nothing was changed"
        api.delete(there["id"])


def test_import_id_is_checked_at_preview_and_its_change_is_no_diff(host, api):
    for bad in ("..", ".", "../../collections", "not-an-id", "00000000-0000-0000-0000-00000000000"):
        _, failures = host.check(
            {},
            {
                "name": "n",
                "s3_bucket": GOOD_BUCKET,
                "path": GOOD_PATH,
                "crs": CRS_4326,
                "import_id": bad,
            },
        )
        assert [p for p, _ in failures] == ["import_id"], (bad, failures)
        assert "not a well-formed collection id" in failures[0][1]
    olds = inputs(host, "n", import_id=str(uuid.uuid4()))
    for news in (
        {**olds, "import_id": str(uuid.uuid4())},
        {k: v for k, v in olds.items() if k != "import_id"},
    ):
        assert host.diff(str(uuid.uuid4()), olds, news).changes == "none"


# -- read, rename, reingest, delete -----------------------------------------------------------
@pytest.mark.parametrize("case", FAULTS, ids=lambda c: c.fault)
def test_read(host, emu, api, record, case):
    collection = existing(api, unique("fm"))
    fault_on(emu, "read", case.rule)
    result, error = run(host.read, collection["id"], {}, inputs={})
    emu.control.clear_faults()
    outcome = expect(case.expected, error, case.says)
    record(
        "read",
        case.fault,
        case.expected,
        outcome,
        names=[collection["name"]],
        kept=[collection["id"]],
        said=said(error),
    )
    if error is None:
        id_, outs, _ = result
        assert id_ == collection["id"] and outs["name"] == collection["name"]
    assert api.get(collection["id"]) is not None
    api.delete(collection["id"])


def endless_pages(token: str) -> str:
    """An array page whose nextToken is ``token`` (``{{n}}``: a new one each time)."""
    array = {"name": "B1", "s3Bucket": GOOD_BUCKET, "path": GOOD_PATH + "B1/", "zarray": {}}
    return json.dumps({"data": [array], "links": {"nextToken": token}})


def read_answers(
    foreign: list[dict[str, Any]],
) -> list[tuple[str, str, dict[str, Any], tuple[str, ...]]]:
    return [
        (
            "answers another collection",
            "read",
            {"reroute": f"{PREFIX}/{foreign[0]['id']}"},
            (foreign[0]["id"],),
        ),
        (
            "answer larger than 8 MiB",
            "read",
            {"status": 200, "body": " " * 65536, "repeat": 200},
            ("larger than 8 MiB",),
        ),
        ("answer dripped a byte per 0.3 s", "read", {"drip": 0.3, "times": -1}, ("deadline",)),
        (
            "array pages repeat a nextToken",
            "read arrays",
            {"status": 200, "body": endless_pages("same"), "times": -1},
            ("repeated the nexttoken",),
        ),
    ]


@pytest.mark.parametrize("index", range(4))
def test_read_answer_untrusted(host, emu, api, record, foreign, index):
    fault, call, rule, says = read_answers(foreign)[index]
    collection = existing(api, unique("fm"))
    fault_on(emu, call, rule)
    started = time.monotonic()
    _, error = run(host.read, collection["id"], {}, inputs={})
    took = time.monotonic() - started
    emu.control.clear_faults()
    outcome = expect("error", error, says)
    record(
        call,
        fault,
        "error",
        outcome,
        names=[collection["name"]],
        kept=[collection["id"]],
        said=said(error),
    )
    budget = REQUEST_TIMEOUT * (int(FAST_CLIENT["SH_ZARR_MAX_ATTEMPTS"]) + 1)
    assert took <= budget + 1.0, took
    api.delete(collection["id"])


def test_read_array_pages_never_end(emu, api, sh_config, record):
    """Ever new nextTokens: the listing stops at MAX_PAGES (a host with time for them all)."""
    collection = existing(api, unique("fm"))
    slow = {"SH_ZARR_TIMEOUT_SECONDS": "30", "SH_ZARR_MAX_ATTEMPTS": "3"}
    with RecordingHost(project="zarr-reliability", env=slow) as h:
        h.configure(sh_config)
        fault_on(emu, "read arrays", {"status": 200, "body": endless_pages("t{{n}}"), "times": -1})
        _, error = run(h.read, collection["id"], {}, inputs={})
        emu.control.clear_faults()
    outcome = expect("error", error, (f"after {MAX_PAGES} pages",))
    record(
        "read arrays",
        "pages never end",
        "error",
        outcome,
        names=[collection["name"]],
        kept=[collection["id"]],
        said=said(error),
    )
    requests = [r for r in emu.control.journal() if r.endswith("/arrays")]
    assert len(requests) == MAX_PAGES
    api.delete(collection["id"])


def made_through(host, api) -> tuple[str, dict[str, Any], dict[str, Any]]:
    props = inputs(host, unique("fm"))
    id_, outs = host.create(props)
    return id_, props, {**props, **outs}


@pytest.mark.parametrize("case", FAULTS, ids=lambda c: c.fault)
def test_rename(host, emu, api, record, case):
    id_, props, olds = made_through(host, api)
    new_name = unique("fm-renamed")
    fault_on(emu, "rename", case.rule)
    result, error = run(host.update, id_, olds, {**props, "name": new_name})
    emu.control.clear_faults()
    outcome = expect(case.expected, error, case.says)
    record(
        "rename",
        case.fault,
        case.expected,
        outcome,
        names=[props["name"], new_name],
        kept=[id_],
        said=said(error),
    )
    now = api.get(id_)
    if error is None:
        assert result["name"] == now["name"] == new_name
    else:  # the state keeps the old name: the service must still have it
        assert now["name"] == props["name"]
    assert len(api.list(search=props["name"])) + len(api.list(search=new_name)) == 1
    api.delete(id_)


def test_rename_answers_another_collection(host, emu, api, record, foreign):
    id_, props, olds = made_through(host, api)
    new_name = unique("fm-renamed")
    other = about(foreign[0])
    fault_on(emu, "rename", {"status": 200, "body": json.dumps({"data": other}), "handle": True})
    _, error = run(host.update, id_, olds, {**props, "name": new_name})
    emu.control.clear_faults()
    outcome = expect("error", error, (foreign[0]["id"], "nothing was recorded or deleted"))
    record(
        "rename",
        "answers another collection",
        "error",
        outcome,
        names=[props["name"], new_name],
        kept=[id_],
        said=said(error),
    )
    api.delete(id_)


@pytest.mark.parametrize("case", FAULTS, ids=lambda c: c.fault)
def test_reingest(host, emu, api, record, case):
    id_, props, olds = made_through(host, api)
    fault_on(emu, "reingest", case.rule)
    news = {**props, "reingest_trigger": "2"}
    result, error = run(host.update, id_, olds, news)
    emu.control.clear_faults()
    outcome = expect(case.expected, error, case.says)
    record(
        "reingest",
        case.fault,
        case.expected,
        outcome,
        names=[props["name"]],
        kept=[id_],
        said=said(error),
    )
    now = api.wait_final(id_)
    if error is None:
        assert result["status"] == now["status"] == "INGESTED"
    assert [c["id"] for c in ours(api, props["name"])] == [id_]
    api.delete(id_)


def test_reingest_answers_another_collection(host, emu, api, record, foreign):
    id_, props, olds = made_through(host, api)
    other = about(foreign[0])
    fault_on(emu, "reingest", {"status": 200, "body": json.dumps({"data": other}), "handle": True})
    _, error = run(host.update, id_, olds, {**props, "reingest_trigger": "2"})
    emu.control.clear_faults()
    outcome = expect("error", error, (foreign[0]["id"],))
    record(
        "reingest",
        "answers another collection",
        "error",
        outcome,
        names=[props["name"]],
        kept=[id_],
        said=said(error),
    )
    api.wait_final(id_)
    api.delete(id_)


def test_reingest_stuck(host, emu, api, record):
    id_, props, olds = made_through(host, api)
    emu.control.set_stuck(props["name"])
    news = {**props, "reingest_trigger": "2", "ingestion_timeout_seconds": 1}
    _, error = run(host.update, id_, olds, news)
    outcome = expect("error", error, ("did not finish", "refresh"))
    record(
        "reingest",
        "stuck INGESTING past timeout",
        "error",
        outcome,
        names=[props["name"]],
        kept=[id_],
        said=said(error),
    )
    assert api.get(id_)["status"] == "INGESTING"  # kept, as the error says
    emu.control.set_stuck(None)
    api.delete(id_)


@pytest.mark.parametrize("case", FAULTS, ids=lambda c: c.fault)
def test_delete(host, emu, api, record, case):
    id_, props, olds = made_through(host, api)
    fault_on(emu, "delete", case.rule)
    _, error = run(host.delete, id_, olds)
    emu.control.clear_faults()
    outcome = expect(case.expected, error, case.says)
    record(
        "delete",
        case.fault,
        case.expected,
        outcome,
        names=[props["name"]],
        kept=[id_] if error else [],
        said=said(error),
    )
    if error is None:
        assert api.get(id_) is None
    else:  # Pulumi keeps it in state: it must still exist
        assert api.get(id_) is not None
        api.delete(id_)


@pytest.mark.parametrize(
    "bad", ["..", ".", "", "../collections", "00000000-0000-0000-0000-0000000000001"]
)
def test_read_and_delete_refuse_ids_that_are_not_ids(host, emu, api, record, bad):
    emu.control.reset_stats()
    _, read_error = run(host.read, bad, {}, inputs={})
    _, delete_error = run(host.delete, bad, {})
    requests = [r for r in emu.control.journal() if not r.endswith("/token")]
    outcome = expect("error", delete_error, ("not a well-formed collection id",))
    expect("error", read_error, ("not a well-formed collection id",))
    record(
        "read / delete",
        f"id {bad!r}",
        "error",
        outcome,
        names=[],
        said=said(read_error, delete_error),
    )
    assert requests == [], "nothing was sent"


# -- the token endpoint and secrets: a fresh host each, so no token is cached ------------------
TOKEN_FAULTS = [
    Case("token 503 once", {"status": 503}, "ok"),
    Case("token 429 once", {"status": 429, "retry_after_ms": 50}, "ok"),
    Case("token 503 always", {"status": 503, "times": -1}, "error", ("token", "run again")),
    Case(
        "token 429 always",
        {"status": 429, "retry_after_ms": 20, "times": -1},
        "error",
        ("token", "run again"),
    ),
    Case("token dropped always", {"drop": "before", "times": -1}, "error", ("token", "again")),
    Case(
        "token 401 echoing the secret",
        {
            "status": 401,
            "body": json.dumps(
                {"error": "invalid_client", "error_description": "bad: {{request_body}}"}
            ),
        },
        "error",
        ("invalid_client", CLIENT_ID),
    ),
    Case(
        "token 200 with HTML",
        {"status": 200, "body": "<html>login</html>", "headers": {"content-type": "text/html"}},
        "error",
        ("not JSON", "token URL"),
    ),
    Case("token 200 with an empty body", {"status": 200, "body": ""}, "error", ("empty body",)),
    Case(
        "token 200 with expires_in -5",
        {
            "status": 200,
            "body": json.dumps(
                {"access_token": "abcd1234", "token_type": "Bearer", "expires_in": -5}
            ),
        },
        "error",
        ("expires_in", "positive number of seconds"),
    ),
    Case(
        "token 200 with expires_in 'soon'",
        {
            "status": 200,
            "body": json.dumps(
                {"access_token": "abcd1234", "token_type": "Bearer", "expires_in": "soon"}
            ),
        },
        "error",
        ("expires_in", "positive number of seconds"),
    ),
    Case(
        "token 200 with no access_token",
        {"status": 200, "body": json.dumps({"token_type": "Bearer"})},
        "error",
        ("no access_token",),
    ),
]


@pytest.mark.parametrize("case", TOKEN_FAULTS, ids=lambda c: c.fault)
def test_token_endpoint(emu, api, sh_config, record, case):
    name = unique("fm")
    with RecordingHost(project="zarr-reliability", env=FAST_CLIENT) as h:
        h.configure(sh_config)
        emu.control.add_fault(method="POST", path=TOKEN, **case.rule)
        # the first token is fetched by Check: credentials are verified at preview
        result, error = run(lambda: h.create(inputs(h, name)))
        emu.control.clear_faults()
        stderr = h.stderr_text()
    outcome = expect(case.expected, error, case.says)
    kept = [result[0]] if error is None else []
    record(
        "token",
        case.fault,
        case.expected,
        outcome,
        names=[name],
        kept=kept,
        said=[*said(error), stderr],
    )
    assert [c["id"] for c in ours(api, name)] == kept
    cleanup(api, name)


def test_token_redirect_is_not_followed(emu, api, sh_config, record):
    """A 307 from the token endpoint would resend the form, secret included, to its target."""
    name = unique("fm")
    with RawServer() as elsewhere, RecordingHost(project="zarr-reliability", env=FAST_CLIENT) as h:
        h.configure(sh_config)
        emu.control.add_fault(
            method="POST",
            path=TOKEN,
            status=307,
            body="",
            headers={"location": elsewhere.url + "/token"},
            times=-1,
        )
        # the first token is fetched by Check: credentials are verified at preview
        _, error = run(lambda: h.create(inputs(h, name)))
        emu.control.clear_faults()
        assert elsewhere.requests == [], "the secret went to the redirect's target"
    outcome = expect("error", error, ("redirect", elsewhere.url, "sentinelhub:tokenUrl"))
    record(
        "token", "307 redirect to another server", "error", outcome, names=[name], said=said(error)
    )
    assert ours(api, name) == []


def test_token_bad_credentials(emu, api, sh_config, record):
    name = unique("fm")
    config = {**sh_config, "sentinelhub:clientSecret": secret("wrong-" + PLANTED_SECRET[:4])}
    with RecordingHost(project="zarr-reliability", env=FAST_CLIENT) as h:
        h.configure(config)
        _, error = run(lambda: h.create(inputs(h, name)))
    assert error is not None and error.method == "Check"  # refused at preview
    outcome = expect("error", error, (CLIENT_ID,))
    record("token", "bad credentials", "error", outcome, names=[name], said=said(error))
    assert "wrong-" not in error.message
    assert ours(api, name) == []


def test_api_error_echoing_the_token_and_secret(host, emu, api, record):
    name = unique("fm")
    props = inputs(host, name)
    body = {
        "error": {
            "status": 400,
            "message": f"bad {{{{authorization}}}} for {PLANTED_SECRET}",
            "code": "{{authorization}}",  # echoed where no one thought to look
            "reason": PLANTED_SECRET,
        }
    }
    fault_on(emu, "create POST", {"status": 400, "body": json.dumps(body)})
    _, error = run(host.create, props)
    emu.control.clear_faults()
    outcome = expect("error", error, ("HTTP 400 Bearer ***: bad Bearer *** for ***",))
    record(
        "create POST",
        "400 echoing the token and secret",
        "error",
        outcome,
        names=[name],
        said=said(error),
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SH_ZARR_TIMEOUT_SECONDS", "0"),
        ("SH_ZARR_TIMEOUT_SECONDS", "nan"),
        ("SH_ZARR_TIMEOUT_SECONDS", "1e9"),
        ("SH_ZARR_MAX_ATTEMPTS", "-1"),
        ("SH_ZARR_MAX_ATTEMPTS", "21"),
    ],
)
def test_settings_out_of_range_fail_at_preview(sh_config, record, variable, value):
    with RecordingHost(project="zarr-reliability", env={**FAST_CLIENT, variable: value}) as h:
        h.configure(sh_config)
        _, error = run(
            h.check, {}, {"name": "n", "s3_bucket": GOOD_BUCKET, "path": GOOD_PATH, "crs": CRS_4326}
        )
    outcome = expect("error", error, (variable, repr(value) if not value.isdigit() else value))
    record("check (preview)", f"{variable}={value}", "error", outcome, names=[], said=said(error))


def test_token_expired_mid_run_on_every_call(host, emu, api, record):
    """A 401 on each kind of call once: one new token, the call repeated, all succeed."""
    emu.control.reset_stats()
    for call in ("create POST", "create poll", "rename", "delete"):
        fault_on(emu, call, {"status": 401})
    id_, props, olds = made_through(host, api)
    new = {**props, "name": unique("fm-renamed")}
    host.update(id_, olds, new)
    host.delete(id_, {**olds, **new})
    assert api.get(id_) is None
    assert sum(emu.control.stats()["token_requests"].values()) == 4
    record("all", "401 on every call", "ok", "ok", names=[props["name"], new["name"]])


# -- secrets: after every fault above ------------------------------------------------------------
def leaks(text: str, tokens: list[str]) -> list[str]:
    found = [PLANTED_SECRET] if PLANTED_SECRET in text else []
    return found + [f"token {t[:8]}…" for t in tokens if t in text or t.split(".")[-1] in text]


def test_zz_no_secret_or_token_anywhere(host, emu, api, all_logs, issued_tokens):
    """The planted secret and every token the emulator issued appear nowhere: not in any
    response, output or error of the host, its stderr, the serialized provider, the
    exception reprs, nor any log line of this process (emulator, urllib3 DEBUG, client)."""
    from pulumi_zarr.api.client import ZarrClient
    from pulumi_zarr.api.settings import Settings

    # whatever ran before: at least one token refetch and one error through the host
    emu.control.add_fault(method="GET", path=TARGETS["read"][1], status=401)
    emu.control.add_fault(method="GET", path=TARGETS["read"][1], status=503, times=-1)
    _, error = run(host.read, str(uuid.uuid4()), {}, inputs={})
    emu.control.clear_faults()
    assert error is not None and any(" error: " in entry for entry in host.transcript)
    assert len(issued_tokens) >= 2, "the host fetched a token and a fresh one after the 401"
    # an in-process client through the same faults, with DEBUG logging on
    client = ZarrClient(
        Settings(CLIENT_ID, PLANTED_SECRET, base_url=emu.url, timeout_seconds=1, max_attempts=2)
    )
    reprs = []
    emu.control.add_fault(method="GET", path=f"{PREFIX}$", status=401)
    emu.control.add_fault(method="GET", path=f"{PREFIX}$", status=429, times=-1, skip=1)
    for _ in range(2):
        try:
            list(client.list_collections())
        except Exception as exc:  # any error: its text is what we scan
            reprs += [repr(exc), str(exc), repr(exc.__cause__), repr(exc.__context__)]
    emu.control.clear_faults()
    bad = ZarrClient(Settings(CLIENT_ID, PLANTED_SECRET + "x", base_url=emu.url))
    with pytest.raises(Exception) as info:
        list(bad.list_collections())
    reprs += [repr(info.value), str(info.value), repr(info.value.__context__)]
    client.close()
    bad.close()
    assert any("urllib3" in line for line in all_logs.lines), "DEBUG logging was not captured"
    places = {
        "host responses and errors": "\n".join(host.transcript),
        "host stderr": host.stderr_text(),
        "serialized provider": host.provider,
        "exception reprs": "\n".join(reprs),
        "log lines": "\n".join(all_logs.lines),
    }
    for where, text in places.items():
        assert not leaks(text, issued_tokens), f"leak in {where}"
