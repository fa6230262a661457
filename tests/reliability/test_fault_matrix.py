"""The fault matrix: every lifecycle call of the provider, through the engine protocol,
against every kind of fault the emulator can inject.

Each case states its expected outcome: ``ok`` (the call succeeds despite the fault) or
``error`` (a clear error naming what happened). Afterwards the emulator is checked: no
orphaned or duplicated collection, and what the provider returned is what exists.
"""

from __future__ import annotations

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

from pulumi_zarr.testing.engine import ProviderError, secret

from .conftest import FAST_CLIENT

ID = r"[0-9a-f-]{36}"
PREFIX = "/api/v1/zarr/collections"
TOKEN = "/openid-connect/token$"

#: call -> (method, path regex) of the request the fault hits
TARGETS = {
    "create POST": ("POST", PREFIX + "$"),
    "create poll": ("GET", f"{PREFIX}/{ID}$"),
    "create arrays": ("GET", f"{PREFIX}/{ID}/arrays$"),
    "read": ("GET", f"{PREFIX}/{ID}$"),
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

#: What POST does instead: never blindly retried. After a 5xx it is sent once more only when
#: the lookup shows nothing was made (so "… once" still succeeds); a dropped connection may
#: still land, so it ends in a clear error.
POST_OUTCOME = {
    "503 always": ("error", ("503", "nothing was created")),
    "connection dropped before": ("error", ("nothing was created",)),
}


def inputs(host: RecordingHost, name: str, **extra: Any) -> dict[str, Any]:
    props = {"name": name, "s3_bucket": GOOD_BUCKET, "path": GOOD_PATH, "crs": CRS_4326, **extra}
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
    assert PLANTED_SECRET not in error.message
    text = " ".join(error.message.split())
    return "error: …" + text[-75:]  # the end of the message: what to do


def run(fn, *args: Any, **kwargs: Any) -> tuple[Any, ProviderError | None]:
    try:
        return fn(*args, **kwargs), None
    except ProviderError as exc:
        return None, exc


def ours(api, name: str) -> list[dict[str, Any]]:
    return api.list(search=name)


@pytest.fixture(autouse=True)
def clean_faults(emu):
    emu.control.clear_faults()
    yield
    emu.control.clear_faults()
    emu.control.set_stuck(None)


def existing(api, name: str) -> dict[str, Any]:
    made = api.create(name, GOOD_BUCKET, GOOD_PATH, CRS_4326)
    return api.wait_final(made["id"])


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
    record(call, case.fault, expected, expect(expected, error, says))
    found = ours(api, name)
    if error is None:
        id_, outs = result
        assert [c["id"] for c in found] == [id_], "exactly the returned collection exists"
        assert outs["status"] == found[0]["status"] == "INGESTED"
        api.delete(id_)
    else:
        assert found == [], f"create failed but left {found}"


def test_create_post_answer_lost_finds_the_one_it_made(host, emu, api, record):
    name = unique("fm")
    props = inputs(host, name)
    fault_on(emu, "create POST", {"drop": "after"})
    result, error = run(host.create, props)
    emu.control.clear_faults()
    record("create POST", "answer lost (dropped after)", "ok", expect("ok", error, ()))
    found = ours(api, name)
    assert [c["id"] for c in found] == [result[0]], "one collection, the one returned"
    api.delete(result[0])


def test_create_ingestion_failed(host, emu, api, buckets, record):
    write_failing_cube(buckets, GOOD_BUCKET, "fm-failing.zarr/")
    name = unique("fm")
    props = inputs(host, name, path="fm-failing.zarr/")
    _, error = run(host.create, props)
    record("create", "ingestion FAILED", "error", expect("error", error, ("failed to ingest",)))
    assert ours(api, name) == []


def test_create_ingestion_stuck(host, emu, api, record):
    name = unique("fm-stuck")
    emu.control.set_stuck(name)
    props = inputs(host, name, ingestion_timeout_seconds=1)
    _, error = run(host.create, props)
    outcome = expect("error", error, ("ingestion_timeout_seconds", "deleted"))
    record("create", "stuck INGESTING past timeout", "error", outcome)
    assert ours(api, name) == []


@pytest.mark.parametrize("case", FAULTS, ids=lambda c: c.fault)
def test_read(host, emu, api, record, case):
    collection = existing(api, unique("fm"))
    fault_on(emu, "read", case.rule)
    result, error = run(host.read, collection["id"], {}, inputs={})
    emu.control.clear_faults()
    record("read", case.fault, case.expected, expect(case.expected, error, case.says))
    if error is None:
        id_, outs, _ = result
        assert id_ == collection["id"] and outs["name"] == collection["name"]
    assert api.get(collection["id"]) is not None
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
    record("rename", case.fault, case.expected, expect(case.expected, error, case.says))
    now = api.get(id_)
    if error is None:
        assert result["name"] == now["name"] == new_name
    else:  # the state keeps the old name: the service must still have it
        assert now["name"] == props["name"]
    assert len(api.list(search=props["name"])) + len(api.list(search=new_name)) == 1
    api.delete(id_)


@pytest.mark.parametrize("case", FAULTS, ids=lambda c: c.fault)
def test_reingest(host, emu, api, record, case):
    id_, props, olds = made_through(host, api)
    fault_on(emu, "reingest", case.rule)
    news = {**props, "reingest_trigger": "2"}
    result, error = run(host.update, id_, olds, news)
    emu.control.clear_faults()
    record("reingest", case.fault, case.expected, expect(case.expected, error, case.says))
    now = api.wait_final(id_)
    if error is None:
        assert result["status"] == now["status"] == "INGESTED"
    assert [c["id"] for c in ours(api, props["name"])] == [id_]
    api.delete(id_)


def test_reingest_stuck(host, emu, api, record):
    id_, props, olds = made_through(host, api)
    emu.control.set_stuck(props["name"])
    news = {**props, "reingest_trigger": "2", "ingestion_timeout_seconds": 1}
    _, error = run(host.update, id_, olds, news)
    outcome = expect("error", error, ("did not finish", "refresh"))
    record("reingest", "stuck INGESTING past timeout", "error", outcome)
    assert api.get(id_)["status"] == "INGESTING"  # kept, as the error says
    emu.control.set_stuck(None)
    api.delete(id_)


@pytest.mark.parametrize("case", FAULTS, ids=lambda c: c.fault)
def test_delete(host, emu, api, record, case):
    id_, _, olds = made_through(host, api)
    fault_on(emu, "delete", case.rule)
    _, error = run(host.delete, id_, olds)
    emu.control.clear_faults()
    record("delete", case.fault, case.expected, expect(case.expected, error, case.says))
    if error is None:
        assert api.get(id_) is None
    else:  # Pulumi keeps it in state: it must still exist
        assert api.get(id_) is not None
        api.delete(id_)


# -- the token endpoint: a fresh host each, so no token is cached ------------------------------
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
        assert PLANTED_SECRET not in h.stderr_text()
    record("token", case.fault, case.expected, expect(case.expected, error, case.says))
    found = ours(api, name)
    assert [c["id"] for c in found] == ([result[0]] if error is None else [])
    for c in found:
        api.delete(c["id"])


def test_token_bad_credentials(emu, api, sh_config, record):
    name = unique("fm")
    config = {**sh_config, "sentinelhub:clientSecret": secret("wrong-" + PLANTED_SECRET[:4])}
    with RecordingHost(project="zarr-reliability", env=FAST_CLIENT) as h:
        h.configure(config)
        _, error = run(lambda: h.create(inputs(h, name)))
    assert error is not None and error.method == "Check"  # refused at preview
    outcome = expect("error", error, (CLIENT_ID,))
    record("token", "bad credentials", "error", outcome)
    assert "wrong-" not in error.message
    assert ours(api, name) == []


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
    record("all", "401 on every call", "ok", "ok")


# -- secrets: after every fault above ------------------------------------------------------------
def leaks(text: str, tokens: list[str]) -> list[str]:
    found = [PLANTED_SECRET] if PLANTED_SECRET in text else []
    return found + [f"token {t[:8]}…" for t in tokens if t in text or t.split(".")[-1] in text]


def test_zz_no_secret_or_token_anywhere(host, emu, api, all_logs, issued_tokens):
    """The planted secret and every token the emulator issued appear nowhere: not in any
    response, output or error of the host, its stderr, the serialized provider, the
    exception reprs, nor any log line of this process (emulator, urllib3 DEBUG, client)."""
    from pulumi_zarr.client import ZarrClient
    from pulumi_zarr.settings import Settings

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
