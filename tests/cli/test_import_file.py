"""``pulumi-zarr import-file NAME=ID …`` against an emulator on 127.0.0.1: the document
``pulumi import --file`` takes (tests/e2e/test_import.py imports one with the real CLI), and
each refusal with its exit status."""

from __future__ import annotations

import json
from typing import Any

import pytest
from emulator.helpers import ingest

from cli.helpers import run_command
from pulumi_zarr.dynamic.resource import TYPE_TOKEN

PROVIDER_KEY = "__provider"
MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def two(url: str, oauth: Any, write_cube: Any) -> list[dict[str, Any]]:
    write_cube()
    return [ingest(oauth, url, name=f"cube {i}") for i in (1, 2)]


def flags(url: str) -> list[str]:
    return ["--base-url", url, "--client-id", "local"]


def test_writes_an_entry_per_collection_as_the_service_has_it(url, two, run, tmp_path):
    target = tmp_path / "import.json"
    pairs = [f"first={two[0]['id']}", f"second={two[1]['id']}"]
    code, out, err = run("import-file", *pairs, "-o", str(target), *flags(url))
    assert (code, out) == (0, "")
    assert f"pulumi import --file {target}" in err  # the next step
    entries = json.loads(target.read_text())["resources"]
    assert [(e["name"], e["id"]) for e in entries] == [
        ("first", two[0]["id"]),
        ("second", two[1]["id"]),
    ]
    for entry, made in zip(entries, two, strict=True):
        assert entry["type"] == TYPE_TOKEN
        inputs, outputs = entry["inputs"], entry["outputs"]
        assert {k: inputs[k] for k in ("name", "s3_bucket", "path", "crs")} == {
            "name": made["name"],
            "s3_bucket": made["s3Bucket"],
            "path": made["path"],
            "crs": made["crs"],
        }
        assert outputs["status"] == "INGESTED" and outputs["array_names"] == ["B1", "B2"]
        assert inputs[PROVIDER_KEY] == outputs[PROVIDER_KEY]  # the dynamic provider, by reference
    assert "local-secret" not in target.read_text()


def test_prints_the_document_by_default(url, two, run):
    code, out, err = run("import-file", f"cube={two[0]['id']}", *flags(url))
    assert (code, err) == (0, "")
    [entry] = json.loads(out)["resources"]
    assert (entry["name"], entry["id"]) == ("cube", two[0]["id"])


def test_a_collection_that_does_not_exist_exits_1_and_writes_nothing(url, two, run, tmp_path):
    target = tmp_path / "import.json"
    pairs = [f"first={two[0]['id']}", f"gone={MISSING}"]
    code, out, err = run("import-file", *pairs, "-o", str(target), *flags(url))
    assert (code, out) == (1, "")
    assert f"collection {MISSING} does not exist" in err, err
    assert not target.exists()


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["adopted"], "expected NAME=COLLECTION_ID"),
        (["=" + MISSING], "expected NAME=COLLECTION_ID"),
        ([f"a={MISSING}", f"a={MISSING}"], "resource name(s) given twice: a"),
        (["a=not-an-id"], "collection id"),
        ([f"two\nlines={MISSING}"], r"resource name 'two\nlines' holds control character(s) \n"),
        (
            [f"\x1b[2Jcube={MISSING}"],
            r"resource name '\x1b[2Jcube' holds control character(s) \x1b",
        ),
    ],
)
def test_usage_errors_exit_2_before_any_request(url, run, emulator, argv, said):
    emulator.control.reset_stats()
    code, _, err = run("import-file", *argv, *flags(url))
    assert code == 2 and said in err, err
    assert emulator.control.stats()["requests"] == {}


@pytest.mark.parametrize(
    ("output", "said"),
    [
        ("{dir}/missing/import.json", "no such folder: {dir}/missing (create it first)"),
        ("{dir}", "{dir} is a folder: give the path of a file"),
    ],
)
def test_an_output_that_cannot_be_written_exits_2_before_any_request(
    url, two, emulator, tmp_path, output, said
):
    emulator.control.reset_stats()
    target = output.format(dir=tmp_path)
    done = run_command("import-file", f"cube={two[0]['id']}", "-o", target, *flags(url))
    assert (done.returncode, done.stdout) == (2, "")
    last = done.stderr.splitlines()[-1]
    assert last == "pulumi-zarr import-file: error: argument -o/--output: " + said.format(
        dir=tmp_path
    )
    assert "Traceback" not in done.stderr
    assert emulator.control.stats()["requests"] == {}


def test_a_failed_write_exits_2_in_one_line(url, two, run):
    code, out, err = run("import-file", f"cube={two[0]['id']}", "-o", "/dev/full", *flags(url))
    assert (code, out) == (2, "")
    assert err == "pulumi-zarr: cannot write /dev/full: No space left on device\n"
