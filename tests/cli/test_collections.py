"""``pulumi-zarr collections …`` against an emulator on 127.0.0.1: what each action prints,
shared flags before or after the subcommand, exit statuses and their messages."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from emulator.helpers import ingest
from harness.fixtures import CLIENT_ID, PLANTED_SECRET, WIDE_COLLECTIONS

from cli.helpers import run_command

SKIPS_ARRAY = {"overrides": {"small": {"dtype": "i2"}}}  # ingested, 'small' skipped (rule 5)
CROSSES_POLE = {"y_values": [90.0, 89.99, 89.98]}  # ingestion FAILED (rule 8)


@pytest.fixture
def deployed(url: str, oauth: Any, write_cube: Any, buckets_dir: Any) -> dict[str, Any]:
    """Collections with a final status: ingested, ingested skipping an array, failed."""
    made = {}
    for key, knobs in {"good": {"times": 2}, "skips": SKIPS_ARRAY, "fails": CROSSES_POLE}.items():
        write_cube(buckets_dir / "cubes" / f"{key}.zarr", **knobs)
        made[key] = ingest(oauth, url, name=f"{key} cube", path=f"{key}.zarr/")
        del made[key]["_seen"]  # the helper's record of the statuses it saw
    return made


def test_list_shows_status_and_ingestion_errors(url, deployed, run):
    code, out, err = run("collections", "list", "--base-url", url, "--client-id", "local")
    assert (code, err) == (0, "")
    header, *rows = out.splitlines()
    assert header.split() == ["ID", "NAME", "STATUS", "BUCKET", "PATH", "INGESTION", "ERRORS"]
    row = {r.split()[0]: r for r in rows}
    assert sorted(row) == sorted(c["id"] for c in deployed.values())
    good, skips, fails = (row[deployed[k]["id"]] for k in ("good", "skips", "fails"))
    assert good.split()[3:] == ["INGESTED", "cubes", "good.zarr/"]
    assert "INGESTED" in skips and skips.endswith(deployed["skips"]["ingestionErrors"])
    assert "array 'small': dtype int16 not allowed" in skips
    assert "FAILED" in fails and "data crosses a pole" in fails


def test_list_json_prints_the_api_objects(url, deployed, run):
    code, out, _ = run("collections", "list", "--json", "--base-url", url, "--client-id", "local")
    listed = {c["id"]: c for c in json.loads(out)}
    assert code == 0 and listed == {c["id"]: c for c in deployed.values()}
    assert listed[deployed["fails"]["id"]]["status"] == "FAILED"
    assert "rule 8" in listed[deployed["fails"]["id"]]["ingestionErrors"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--json", "--base-url", "{url}", "--client-id", "local", "collections", "list"],
        ["collections", "--json", "--base-url", "{url}", "list", "--client-id", "local"],
        ["collections", "list", "--json", "--base-url", "{url}", "--client-id", "local"],
        ["--client-id", "local", "collections", "list", "--base-url", "{url}", "--json"],
    ],
    ids=["before", "between", "after", "mixed"],
)
def test_shared_flags_before_or_after_the_subcommand(url, deployed, run, argv):
    code, out, err = run(*(a.format(url=url) for a in argv))
    assert (code, err) == (0, "")
    assert sorted(c["name"] for c in json.loads(out)) == ["fails cube", "good cube", "skips cube"]


def test_search_and_an_empty_result(url, deployed, run):
    flags = ("--base-url", url, "--client-id", "local")
    code, out, _ = run("collections", "list", "--search", "skips", *flags)
    assert code == 0 and [r.split()[0] for r in out.splitlines()[1:]] == [deployed["skips"]["id"]]
    assert run("collections", "list", "--search", "zzz", *flags)[:2] == (
        0,
        "no collections matching 'zzz'\n",
    )
    assert json.loads(run("collections", "list", "--search", "zzz", "--json", *flags)[1]) == []


def test_get_and_arrays(url, deployed, run):
    flags = ("--base-url", url, "--client-id", "local")
    skips = deployed["skips"]
    code, out, _ = run("collections", "get", skips["id"], *flags)
    lines = dict(line.split(":", 1) for line in out.splitlines())
    assert code == 0 and lines["status"].strip() == "INGESTED"
    assert lines["ingestion errors"].strip() == skips["ingestionErrors"]
    assert lines["bands"].strip() == "B1, B2"
    assert lines["data type"].strip() == f"zarr-{skips['id']}"
    code, out, _ = run("collections", "get", skips["id"], "--json", *flags)
    assert code == 0 and json.loads(out) == skips

    code, out, _ = run("collections", "arrays", deployed["good"]["id"], *flags)
    assert code == 0 and [r.split() for r in out.splitlines()] == [
        ["NAME", "DTYPE", "SHAPE", "CHUNKS"],
        ["B1", "<f4", "2", "x", "3", "x", "4", "1", "x", "3", "x", "4"],
        ["B2", "<f4", "2", "x", "3", "x", "4", "1", "x", "3", "x", "4"],
    ]
    code, out, _ = run("collections", "arrays", deployed["good"]["id"], "--json", *flags)
    assert code == 0 and [a["name"] for a in json.loads(out)] == ["B1", "B2"]


def test_an_api_error_exits_1_with_the_service_answer(url, run):
    missing = "00000000-0000-4000-8000-000000000000"
    code, out, err = run("collections", "get", missing, "--base-url", url, "--client-id", "local")
    assert (code, out) == (1, "")
    assert err == (
        f"pulumi-zarr: GET /api/v1/zarr/collections/{missing}: HTTP 404 COMMON_NOT_FOUND: "
        f"collection {missing} not found\n"
    )


def test_an_id_that_is_not_an_id_is_a_usage_error_sent_nowhere(url, run):
    code, out, err = run("collections", "get", "..", "--base-url", url, "--client-id", "local")
    assert (code, out) == (2, "")
    assert err.startswith("pulumi-zarr: collection id '..' is not a well-formed collection id")


def test_wrong_credentials_exit_1(url, run, monkeypatch):
    monkeypatch.setenv("SH_CLIENT_SECRET", "wrong")
    code, _, err = run("collections", "list", "--base-url", url, "--client-id", "local")
    assert code == 1 and err.startswith("pulumi-zarr: ") and "wrong" not in err


@pytest.mark.parametrize(
    ("env", "says"),
    [
        (
            {},
            "client_id, client_secret. Set --client-id or the environment variable SH_CLIENT_ID; "
            "the environment variable SH_CLIENT_SECRET",
        ),
        ({"SH_CLIENT_ID": "local"}, "client_secret. Set the environment variable SH_CLIENT_SECRET"),
    ],
)
def test_missing_credentials_are_a_usage_error(run, monkeypatch, tmp_path, env, says):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no sentinelhub-py profile either
    for var in ("SH_CLIENT_ID", "SH_CLIENT_SECRET", "SH_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    code, out, err = run("collections", "list")
    assert (code, out) == (2, "")
    assert err == (
        f"pulumi-zarr: Sentinel Hub credentials are missing: {says} (or name a sentinelhub-py "
        "profile: SH_PROFILE).\n"
    )


def test_credentials_of_the_default_profile_are_enough(url, deployed, run, monkeypatch, tmp_path):
    """sentinelhub-py's ``[default-profile]`` alone, as ``pulumi up`` finds it (issue 20)."""
    monkeypatch.delenv("SH_CLIENT_SECRET")
    (tmp_path / "sentinelhub").mkdir()
    (tmp_path / "sentinelhub" / "config.toml").write_text(
        f'[default-profile]\nsh_client_id = "local"\nsh_client_secret = "local-secret"\n'
        f'sh_base_url = "{url}"\n'
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    code, out, err = run("collections", "list", "--json")
    assert (code, err) == (0, ""), err
    assert sorted(c["name"] for c in json.loads(out)) == ["fails cube", "good cube", "skips cube"]
    code, out, err = run("import-file", f"cube={deployed['good']['id']}")
    assert (code, err) == (0, ""), err
    assert json.loads(out)["resources"][0]["id"] == deployed["good"]["id"]


def test_bad_settings_are_a_usage_error(run, monkeypatch):
    monkeypatch.setenv("SH_CLIENT_SECRET", "s")
    code, _, err = run(
        "collections", "list", "--client-id", "c", "--base-url", "http://example.com"
    )
    assert code == 2 and "must use https" in err and "'http://example.com'" in err
    code, out, err = run("--base-url", "http://[::1", "collections", "list", "--client-id", "c")
    assert (code, out) == (2, "")
    assert err.startswith("pulumi-zarr: --base-url has a malformed host or port, got 'http://[::1'")
    assert err.count("\n") == 1, err
    code, _, err = run(
        "--base-url", "https://me:pw-71c2@h.example", "collections", "list", "--client-id", "c"
    )
    assert code == 2 and "--base-url must not hold a user name or password" in err, err
    assert "pw-71c2" not in err
    code, _, err = run("--api-prefix", "/v9", "collections", "list", "--client-id", "c")
    assert code == 2 and "must be one of /api/v1/zarr, /zarr/v1" in err


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["collections"], "the following arguments are required: ACTION"),
        (["collections", "list", "--nope"], "unrecognized arguments: --nope"),
        (["collections", "get"], "the following arguments are required: id"),
        (["--json", "emulator", "--buckets", "."], "--json does not apply to 'emulator'"),
        (["validate", "x", "--base-url", "https://a.b"], "unrecognized arguments: --base-url"),
        (["--client-id", "c", "validate", "x"], "--client-id does not apply to 'validate'"),
    ],
)
def test_usage_errors_exit_2(run, argv, says):
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    assert err.startswith("usage: pulumi-zarr") and says in err


def test_version(run):
    from importlib.metadata import version

    code, out, _ = run("--version")
    assert (code, out) == (0, f"pulumi-zarr {version('pulumi-zarr')}\n")


def test_list_collections_whose_pages_are_larger_than_the_answer_cap(
    wide_emulator, run, monkeypatch
):
    """100 collections of 1,000 arrays each: one page of all of them would be ~10 MiB."""
    monkeypatch.setenv("SH_CLIENT_SECRET", PLANTED_SECRET)
    flags = ("--base-url", wide_emulator.url, "--client-id", CLIENT_ID)
    code, out, err = run("collections", "list", *flags)
    assert (code, err) == (0, f"… {WIDE_COLLECTIONS} collections so far\n")
    rows = [line.split()[1:4] for line in out.splitlines()[1:]]
    expected = [["Wide", "cube", str(n)] for n in range(WIDE_COLLECTIONS)]
    assert sorted(rows) == sorted(expected)


def test_a_closed_output_ends_quietly(url, deployed):
    """``collections list --json | head``: the reader is gone before anything is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = run_command(
            "collections", "list", "--json", "--base-url", url, "--client-id", "local",
            stdout=write_end,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (1, "")
