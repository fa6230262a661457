"""``pulumi-zarr validate``: good and bad stores, in a folder and in moto's S3 on 127.0.0.1."""

from __future__ import annotations

import json
import sys

import pytest

from pulumi_zarr.cli import main
from pulumi_zarr.emulator.samples import write_cube
from pulumi_zarr.errors import install_command

BROKEN = {"small": {"dtype": "i2"}}


def validate(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_good_local_store(tmp_path, capsys):
    write_cube(tmp_path / "good.zarr", times=2)
    code, out, err = validate(capsys, str(tmp_path / "good.zarr"), "--crs", "4326")
    assert code == 0 and "OK, arrays B1, B2 would be ingested" in out
    assert "… reading metadata and coordinate arrays" in err  # progress on stderr


def test_bad_local_store(tmp_path, capsys):
    write_cube(tmp_path / "bad.zarr", overrides=BROKEN)
    code, out, _ = validate(capsys, str(tmp_path / "bad.zarr"))
    assert code == 1
    assert "1 violation(s), ingestion would skip arrays (ingested: B1, B2)" in out
    assert "rule 5: array 'small': dtype int16 not allowed" in out
    assert "(allowed: u4, i4, i8, f4, f8)" in out


def test_json_report(tmp_path, capsys):
    write_cube(tmp_path / "bad.zarr", y_values=[90.0, 89.99, 89.98], overrides=BROKEN)
    code, out, _ = validate(capsys, str(tmp_path / "bad.zarr"), "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and report["ingestion"] == "FAILED"
    assert [(v["rule"], v["array"]) for v in report["violations"]] == [("8", None), ("5", "small")]
    assert all(v["allowed"] for v in report["violations"])


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("missing.zarr", "no such folder: {path}"),
        ("plain.txt", "{path} is a file, not a folder: give the Zarr group's folder"),
    ],
)
def test_unreadable_local_store(tmp_path, capsys, name, said):
    (tmp_path / "plain.txt").write_text("not a Zarr store")
    path = str(tmp_path / name)
    code, out, err = validate(capsys, path)
    assert (code, out) == (2, "")
    assert err.endswith(f"pulumi-zarr: cannot read the Zarr store: {said.format(path=path)}\n")


@pytest.mark.parametrize("as_json", [False, True])
def test_s3_stores(s3, capsys, as_json):
    options = {"endpoint_url": s3}
    write_cube("s3://cubes/v/good.zarr", times=2, storage_options=options)
    write_cube("s3://cubes/v/bad.zarr", overrides=BROKEN, storage_options=options)
    flags = ["--s3-endpoint", s3, *(["--json"] if as_json else [])]
    code, out, _ = validate(capsys, "s3://cubes/v/good.zarr/", *flags)
    assert code == 0 and ("B1, B2" in out or json.loads(out)["arrays"] == ["B1", "B2"])
    code, out, _ = validate(capsys, "s3://cubes/v/bad.zarr/", *flags)
    assert code == 1 and "dtype int16 not allowed" in out
    code, out, _ = validate(capsys, "s3://cubes/v/none.zarr/", *flags)
    assert code == 1 and "rule 1" in out.replace('"rule": "1"', "rule 1")
    code, _, err = validate(capsys, "s3://no-such-bucket/v/", *flags)
    assert code == 2 and "bucket 'no-such-bucket'" in err


def test_s3_endpoint_from_the_environment(s3, capsys, monkeypatch):
    write_cube("s3://cubes/env.zarr", storage_options={"endpoint_url": s3})
    monkeypatch.setenv("PULUMI_ZARR_S3_ENDPOINT", s3)
    assert validate(capsys, "s3://cubes/env.zarr/")[0] == 0


@pytest.mark.parametrize(
    ("crs", "says"),
    [
        ("foo", "crs 'foo' is not an EPSG opengis URL"),
        ("2154", "crs EPSG:2154 is not supported for Zarr collections"),
        ("EPSG:4326", "crs 'EPSG:4326' is not an EPSG opengis URL"),
    ],
)
def test_a_bad_crs_is_a_usage_error(tmp_path, capsys, crs, says):
    write_cube(tmp_path / "good.zarr")
    code, out, err = validate(capsys, str(tmp_path / "good.zarr"), "--crs", crs)
    assert (code, out) == (2, "")
    assert f"pulumi-zarr validate: error: argument --crs: {says}" in err
    assert "e.g. 4326" in err  # says what to write instead


def test_without_the_extra_says_what_to_install(tmp_path, capsys, monkeypatch):
    write_cube(tmp_path / "good.zarr")
    monkeypatch.setitem(sys.modules, "zarr", None)  # import zarr fails as if not installed
    code, out, err = validate(capsys, str(tmp_path / "good.zarr"))
    assert (code, out) == (2, "")
    assert err.endswith(
        "pulumi-zarr: validate needs the optional extra 'preflight': "
        f"{install_command('preflight')} (module 'zarr' is missing)\n"
    )


def test_json_before_the_subcommand(tmp_path, capsys):
    write_cube(tmp_path / "good.zarr")
    before = main(["--json", "validate", str(tmp_path / "good.zarr")]), capsys.readouterr().out
    after = validate(capsys, str(tmp_path / "good.zarr"), "--json")[:2]
    assert before == after and json.loads(after[1])["ok"] is True
