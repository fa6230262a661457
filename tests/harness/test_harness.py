"""Self-test of the harness with a trivial provider (no product code involved)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pulumi.output import Unknown

from harness.echo_provider import EchoProvider
from pulumi_zarr.testing.engine import (
    UNKNOWN,
    ProviderError,
    ProviderHost,
    decoded_provider,
    exception_text,
    final_line,
    secret,
)
from pulumi_zarr.testing.program import DeploymentError, StackState, destroy, refresh, run_program

ECHO_PROGRAM = Path(__file__).parent / "echo_program"


@pytest.fixture(scope="module")
def host():
    with ProviderHost(EchoProvider(), env={"SH_CLIENT_ID": "given-by-test"}) as h:
        h.configure({"echo:greeting": "hello"})
        yield h


def test_provider_is_pickled_by_reference():
    with ProviderHost(EchoProvider()) as h:
        assert b"harness.echo_provider" in decoded_provider(h.provider)
        assert len(h.provider) < 200


def test_host_process_is_stopped_at_exit_even_on_failure():
    with pytest.raises(RuntimeError, match="boom"), ProviderHost(EchoProvider()) as h:
        process = h.process
        assert h.alive
        raise RuntimeError("boom")
    assert process.poll() is not None


def test_sh_variables_not_inherited(monkeypatch):
    monkeypatch.setenv("SH_CLIENT_ID", "from-test-process")
    with ProviderHost(EchoProvider()) as h:
        h.configure({})
        _, outs = h.create({"value": "v"})
        assert outs.get("env_sh") is None  # None values are not serialized at all
    with ProviderHost(EchoProvider(), inherit_sh_env=True) as h:
        h.configure({})
        _, outs = h.create({"value": "v"})
        assert outs["env_sh"] == "from-test-process"


def test_configure_secret_config_is_unwrapped(host):
    # module host: configured with a plain value; a fresh one with a secret value
    with ProviderHost(EchoProvider()) as h:
        assert h.configure({"echo:greeting": secret("psst")}) is False
        _, outs = h.create({"value": "v"})
        assert outs["greeting"] == "psst"


def test_check_failures_defaults_and_unknowns(host):
    inputs, failures = host.check({}, {"value": "ok"})
    assert failures == []
    assert inputs == {"value": "ok", "key": "k"}
    _, failures = host.check({}, {"value": "bad"})
    assert failures == [("value", "value must not be 'bad'")]
    inputs, failures = host.check({}, {"value": UNKNOWN})
    assert failures == []
    assert isinstance(inputs["value"], Unknown)
    inputs, failures = host.check({}, {"value": Unknown()})
    assert failures == [] and isinstance(inputs["value"], Unknown)


def test_diff_kinds(host):
    olds = {"key": "k", "value": "a", "length": 1}
    assert host.diff("id", olds, {"key": "k", "value": "a"}).changes == "none"
    d = host.diff("id", olds, {"key": "k", "value": "b"})
    assert (d.changes, d.replaces) == ("some", [])
    d = host.diff("id", olds, {"key": "k2", "value": "a"})
    assert (d.changes, d.replaces) == ("some", ["key"])
    assert host.diff("id", olds, {"key": "k", "value": UNKNOWN}).changes == "unknown"


def test_create_read_update_delete(host):
    id_, outs = host.create({"key": "k", "value": "abc"})
    assert id_ == "echo-k-abc"
    assert outs["length"] == 3 and outs["greeting"] == "hello" and outs["env_sh"] == "given-by-test"
    assert "__provider" not in outs
    new_id, read_outs, read_inputs = host.read(id_, outs, {"key": "k", "value": "abc"})
    assert new_id == id_ and read_outs["length"] == 3
    assert read_inputs == {"key": "k", "value": "abc"}
    # import / get: only inputs (with __provider), properties empty
    new_id, read_outs, _ = host.read(id_, {}, inputs={})
    assert new_id == id_ and read_outs["value"] == "abc"
    new_id, read_outs, read_inputs = host.read("gone-1", outs, {})
    assert new_id == "" and read_outs == {} and read_inputs is None
    outs = host.update(id_, outs, {"key": "k", "value": "abcd"})
    assert outs["length"] == 4
    host.delete(id_, outs)


def test_secrets_on_the_wire(host):
    # the engine strips secrets for a host that did not accept them
    _, outs = host.create({"key": "k", "value": secret("s3")})
    assert outs["seen_secret"] is False and outs["length"] == 2
    with ProviderHost(EchoProvider(), secrets="keep") as h:
        h.configure({})
        _, outs = h.create({"key": "k", "value": secret("s3")})
        assert outs["seen_secret"] is True
        assert outs["value"] == secret("s3")  # comes back wrapped


def test_errors_carry_the_traceback_and_message(host):
    with pytest.raises(ProviderError) as info:
        host.create({"key": "k", "value": "explode"})
    err = info.value
    assert "Traceback" in err.details
    assert err.exception_type == "RuntimeError"
    assert err.message == "echo exploded\nsecond line of the message"
    assert err.line == "second line of the message"
    with pytest.raises(ProviderError) as info:
        host.delete("undeletable", {})
    assert info.value.message == "cannot delete undeletable"
    assert info.value.exception_type == "ValueError"


def test_exception_text_helpers():
    tb = (
        "Traceback (most recent call last):\n"
        '  File "/x.py", line 3, in f\n'
        "    raise A()\n"
        "    ^^^^^^^^^\n"
        "ValueError: first\n\n"
        "During handling of the above exception, another exception occurred:\n\n"
        "Traceback (most recent call last):\n"
        '  File "/y.py", line 9, in g\n'
        "    raise B\n"
        "pkg.mod.Boom: two\nlines\n"
    )
    assert exception_text(tb) == ("pkg.mod.Boom", "two\nlines")
    assert final_line(tb) == "lines"
    assert exception_text("plain text") == ("", "plain text")


def test_unknown_provider_module_is_a_clear_error():
    with ProviderHost("bm90IGEgcGlja2xl") as h:  # base64 of "not a pickle"
        h.configure({})
        with pytest.raises(ProviderError):
            h.check({}, {"value": "x"})


# -- programs -------------------------------------------------------------------------------------
def test_program_up_change_replace_destroy():
    state = StackState()
    config = {"value": "abc", "echo:greeting": "hi"}
    exports = run_program(ECHO_PROGRAM, config, state)
    assert exports == {"lengths": [3], "greeting": "hi", "ids": ["echo-k-abc"]}
    assert state.last == [("create", "echo0")]
    assert state.project == "echo-selftest"
    # unchanged: Check + Diff only
    exports = run_program(ECHO_PROGRAM, config, state)
    assert state.last == [("same", "echo0")]
    # in place
    exports = run_program(ECHO_PROGRAM, {**config, "value": "abcd"}, state)
    assert state.last == [("update", "echo0")]
    assert exports["lengths"] == [4] and exports["ids"] == ["echo-k-abc"]
    # replacement: create new, delete old at the end
    exports = run_program(ECHO_PROGRAM, {**config, "value": "abcd", "key": "k2"}, state)
    assert state.last == [("replace", "echo0"), ("delete", "echo0")]
    assert exports["ids"] == ["echo-k2-abcd"]
    assert state.resources["echo0"].id == "echo-k2-abcd"
    # grow and shrink
    run_program(ECHO_PROGRAM, {**config, "value": "abcd", "key": "k2", "count": "2"}, state)
    assert sorted(state.last) == [("create", "echo1"), ("same", "echo0")]
    run_program(ECHO_PROGRAM, {**config, "value": "abcd", "key": "k2"}, state)
    assert ("delete", "echo1") in state.last and set(state.resources) == {"echo0"}
    assert refresh(state, config) == {"echo0": []}
    destroy(state, config)
    assert state.resources == {} and state.last == [("delete", "echo0")]


def test_program_check_failure_and_provider_error_surface():
    state = StackState()
    with pytest.raises(DeploymentError, match="value must not be 'bad'"):
        run_program(ECHO_PROGRAM, {"value": "bad"}, state)
    assert state.resources == {}
    with pytest.raises(ProviderError, match="second line"):
        run_program(ECHO_PROGRAM, {"value": "explode"}, state)
    assert state.resources == {}
    # the runtime is usable again after failures
    assert run_program(ECHO_PROGRAM, {"value": "ok"}, state)["lengths"] == [2]


def test_no_stray_host_processes_after_program_runs():
    before = _children()
    run_program(ECHO_PROGRAM, {"value": "abc"}, StackState())
    assert _children() <= before


def _children() -> set[int]:
    me = str(os.getpid())
    out = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat[1] == me and stat[0] != "Z":
            out.add(int(entry.name))
    return out
