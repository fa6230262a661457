"""Every ingestion rule through the preflight: the same stores as the emulator's rule tests,
checked in place, each violation naming the array, the rule and what is allowed."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pytest
from emulator.test_rules import CRS_CASES, FAILED_CASES, SKIP_CASES

from pulumi_zarr.crs import CRS_EPSG_4326
from pulumi_zarr.emulator.samples import write_cube
from pulumi_zarr.preflight import StorageError, run_preflight

FAILED_RULES = {
    "no_spatial_pair": "3",
    "coord_dtype": "5",
    "time_units_bad": "7a",
    "time_units_missing": "7a",
    "time_units_no_instant": "7a",
    "time_chunks_differ": "7b",
    "x_not_equidistant": "9",
    "y_not_equidistant": "9",
    "north_pole_4326": "8",
    "south_pole_4326": "8",
    "antimeridian_4326": "8",
    "no_data_arrays": "3",
}
SKIP_RULES = {
    "dtype": "5",
    "dtype_u8": "5",
    "name_digit": "2",
    "name_reserved": "2",
    "name_dash": "2",
    "four_dims": "3",
    "one_dim": "3",
    "f_order": "4",
    "dims_swapped": "4",
    "shape_mismatch": "4",
    "big_spatial_chunk": "6",
    "big_time_chunk": "7b",
    "3d_without_time": "3",
}


def check(tmp_path, name: str, crs: str = CRS_EPSG_4326, grid: str = "4326", **knobs: Any):
    write_cube(tmp_path / name, crs=grid, **knobs)
    return run_preflight(str(tmp_path / name), crs)


def test_every_case_has_its_rule():
    assert set(FAILED_RULES) == set(FAILED_CASES) and set(SKIP_RULES) == set(SKIP_CASES)


@pytest.mark.parametrize("case", sorted(FAILED_CASES))
def test_group_level_violation(tmp_path, case):
    knobs, message = FAILED_CASES[case]
    report = check(tmp_path, case, **knobs)
    assert not report.ok and report.fails
    hits = [v for v in report.violations if message in v.message]
    assert hits, report.text()
    assert hits[0].rule == FAILED_RULES[case] and hits[0].fails and hits[0].allowed
    assert report.as_dict()["ingestion"] == "FAILED"


@pytest.mark.parametrize("case", sorted(SKIP_CASES))
def test_array_level_violation(tmp_path, case):
    knobs, message = SKIP_CASES[case]
    report = check(tmp_path, case, **knobs)
    assert not report.ok and not report.fails
    [violation] = report.violations
    assert message in violation.message
    assert violation.rule == SKIP_RULES[case] and violation.array and violation.allowed
    assert violation.array in violation.message
    assert report.arrays == ["B1", "B2"]
    assert f"rule {violation.rule}: {violation.problem}" in report.text()
    if violation.rule == "5":  # the list of dtypes is said once
        assert report.text().count(violation.allowed) == 1


@pytest.mark.parametrize(("case", "crs", "knobs", "message"), CRS_CASES)
def test_crs_dependent_violation(tmp_path, case, crs, knobs, message):
    report = check(tmp_path, case, crs=crs, **knobs)
    [violation] = report.violations
    assert message in violation.message
    assert violation.rule == ("10" if case == "crs_2154" else "8")


def test_good_stores_pass(tmp_path):
    assert check(tmp_path, "good", times=2, consolidated=True).ok
    latlon = check(tmp_path, "latlon", spatial=("lon", "lat"))
    assert latlon.ok and latlon.arrays == ["B1", "B2"]
    assert check(tmp_path, "sub", subgroup=True).ok  # rule 1: subgroups are ignored


def test_float32_coordinates_are_equidistant_up_to_their_rounding(tmp_path):
    """A global 0.1-degree grid stored as float32: each value is rounded by up to ~1e-5, far
    more than 1e-6 of the step, and still equidistant; a real irregularity is still found."""
    lon = np.arange(3600) * 0.1 - 179.95
    lat = 89.95 - np.arange(4) * 0.1
    report = check(tmp_path, "f4", coord_dtype="f4", x_values=lon, y_values=lat, chunks=(4, 1800))
    assert report.ok, report.text()
    lon[1800] += 0.01  # a tenth of a pixel off
    report = check(
        tmp_path, "f4-bad", coord_dtype="f4", x_values=lon, y_values=lat, chunks=(4, 1800)
    )
    [violation] = report.violations
    assert violation.rule == "9" and "'x': values are not equidistant" in violation.message


def test_every_violation_is_reported(tmp_path):
    report = check(
        tmp_path,
        "many",
        y_values=[90.0, 89.99, 89.98],
        overrides={"small": {"dtype": "i2"}, "class": {}},
    )
    assert sorted(v.rule for v in report.violations) == ["2", "5", "8"]
    assert {v.array for v in report.violations} == {None, "class", "small"}


def test_a_bad_coordinate_does_not_hide_bad_data_arrays(tmp_path):
    progress: list[str] = []
    write_cube(tmp_path / "both", times=2, time_units=None, overrides={"small": {"dtype": "i2"}})
    report = run_preflight(str(tmp_path / "both"), CRS_EPSG_4326, progress=progress.append)
    assert [(v.rule, v.array) for v in report.violations] == [("7a", "time"), ("5", "small")]
    assert report.arrays == ["B1", "B2"] and report.fails
    assert "checked 3 data array(s)" in progress


def test_a_missing_spatial_pair_does_not_hide_bad_data_arrays(tmp_path):
    report = check(tmp_path, "nopair", spatial=("lat", "y"), overrides={"F": {"order": "F"}})
    assert [(v.rule, v.array) for v in report.violations] == [("3", None), ("4", "F")]


def test_every_problem_of_a_data_array_is_reported(tmp_path):
    report = check(tmp_path, "arr", overrides={"class": {"dtype": "i2", "order": "F"}})
    assert [(v.rule, v.array) for v in report.violations] == [
        ("2", "class"),
        ("5", "class"),
        ("4", "class"),
    ]


def test_each_report_line_says_the_rule_once(tmp_path):
    report = check(tmp_path, "lines", times=2, time_units="fortnights since 2020-01-01")
    [violation] = report.violations
    assert "rule 7a" in violation.message  # the service's text names the rule
    assert report.text().count("rule 7a") == 1 and "(allowed: '<unit> since" in report.text()


def test_crs_defaults_to_the_group_attribute(tmp_path):
    write_cube(tmp_path / "utm", crs="utm")
    report = run_preflight(str(tmp_path / "utm"), None)
    assert report.ok and report.crs.endswith("/32633")


def test_no_group_is_rule_1(tmp_path):
    (tmp_path / "empty").mkdir()
    [violation] = run_preflight(f"file://{tmp_path / 'empty'}", CRS_EPSG_4326).violations
    assert violation.rule == "1" and ".zgroup" in violation.message


def test_missing_folder_is_unreadable(tmp_path):
    with pytest.raises(StorageError, match="no such folder"):
        run_preflight(str(tmp_path / "nothing"), CRS_EPSG_4326)


def test_importing_the_provider_does_not_import_zarr():
    code = (
        "import sys, pulumi_zarr, pulumi_zarr.dynamic.provider, pulumi_zarr.preflight; "
        "print(sorted({'zarr','numpy','fsspec','s3fs','fastapi','uvicorn'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
