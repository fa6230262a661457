"""Ingestion rules (the README's rules 1-10): one Zarr store per rule, written with zarr, kept
or broken."""

from __future__ import annotations

import math
from typing import Any

import pytest

from pulumi_zarr.emulator.samples import write_cube
from pulumi_zarr.emulator.server import Emulator

from .helpers import CRS_4326, CRS_UTM33, all_pages, ingest, oauth_session

CRS_3035 = "http://www.opengis.net/def/crs/EPSG/0/3035"
CRS_UTM_N = "http://www.opengis.net/def/crs/EPSG/0/32633"
ALLOWED = "(u4, i4, i8, f4, f8)"


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    buckets = tmp_path_factory.mktemp("rules-buckets")
    (buckets / "cubes").mkdir()
    with Emulator(buckets, ingest_delay=0.1) as emu:
        session = oauth_session(emu.url)
        yield emu, session, buckets / "cubes"
        session.close()


def run(rig, name: str, crs: str = CRS_4326, grid: str = "4326", **knobs: Any) -> dict[str, Any]:
    """Write store ``name`` (sample grid ``grid``) and ingest it with ``crs``."""
    emu, session, bucket = rig
    write_cube(bucket / f"{name}.zarr", crs=grid, **knobs)
    return ingest(session, emu.url, name=name, path=f"{name}.zarr/", crs=crs)


def arrays_of(rig, collection: dict[str, Any]) -> list[str]:
    emu, session, _ = rig
    items, _ = all_pages(session, f"{emu.url}/zarr/v1/collections/{collection['id']}/arrays")
    return [a["name"] for a in items]


# ---- good stores -------------------------------------------------------------------------


def test_good_2d_cube_fills_every_output(rig):
    c = run(rig, "good2d", width=5, height=3, fill_value=-9999)
    assert c["status"] == "INGESTED" and c["ingestionErrors"] is None
    assert (c["width"], c["height"]) == (5, 3)
    ring = c["envelope"]["coordinates"][0]
    # pixel centres 10.005..10.045 step .01 -> edges 10.0..10.05; y 46.995..46.975 -> 46.97..47.0
    assert ring[0] == ring[-1] and len(ring) == 5
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    assert min(xs) == pytest.approx(10.0) and max(xs) == pytest.approx(10.05)
    assert min(ys) == pytest.approx(46.97) and max(ys) == pytest.approx(47.0)
    bands = c["additionalData"]["bands"]
    assert set(bands) == {"B1", "B2"}
    assert bands["B1"] == {
        "source": "B1",
        "bandIndex": 1,
        "bitDepth": 32,
        "sampleFormat": "FLOAT",
        "noData": -9999.0,
    }
    assert c["additionalData"]["maxMetersPerPixel"] == pytest.approx(3 * 0.01 * 111319.49)
    assert c["zattrs"]["title"] == "sample cube"
    assert arrays_of(rig, c) == ["B1", "B2"]


def test_good_3d_cube_and_array_details(rig):
    emu, session, _ = rig
    c = run(rig, "good3d", times=3, dtype="i4", fill_value=7)
    assert c["status"] == "INGESTED", c["ingestionErrors"]
    assert c["additionalData"]["bands"]["B2"]["sampleFormat"] == "INT"
    one = session.get(f"{emu.url}/zarr/v1/collections/{c['id']}/arrays/B2").json()["data"]
    assert one["name"] == "B2" and one["s3Bucket"] == "cubes" and one["path"] == "good3d.zarr/B2/"
    assert one["zarray"]["shape"] == [3, 3, 4] and one["zarray"]["chunks"] == [1, 3, 4]
    assert one["zarray"]["dtype"] == "<i4" and one["zarray"]["order"] == "C"
    assert one["zarray"]["fill_value"] == 7 and one["zarray"]["zarr_format"] == 2
    assert one["zattrs"]["_ARRAY_DIMENSIONS"] == ["time", "y", "x"]


@pytest.mark.parametrize(("dtype", "fmt"), [("u4", "UINT"), ("i8", "INT"), ("f8", "FLOAT")])
def test_every_allowed_dtype_is_a_band(rig, dtype, fmt):
    c = run(rig, f"dtype_{dtype}", dtype=dtype)
    assert c["status"] == "INGESTED"
    assert {b["sampleFormat"] for b in c["additionalData"]["bands"].values()} == {fmt}


def test_nan_fill_value_gives_no_nodata(rig):
    c = run(rig, "nanfill", fill_value=math.nan)
    assert c["status"] == "INGESTED"
    assert "noData" not in c["additionalData"]["bands"]["B1"]


def test_lat_lon_names(rig):
    c = run(rig, "latlon", spatial=("lon", "lat"), times=2)
    assert c["status"] == "INGESTED", c["ingestionErrors"]


def test_utm_cube_in_metres(rig):
    c = run(rig, "utm", crs=CRS_UTM33, grid="utm", width=4, height=2)
    assert c["status"] == "INGESTED"
    assert c["additionalData"]["maxMetersPerPixel"] == pytest.approx(30.0)
    xs = [p[0] for p in c["envelope"]["coordinates"][0]]
    assert min(xs) == pytest.approx(500000.0) and max(xs) == pytest.approx(500040.0)


def test_consolidated_metadata(rig):
    c = run(rig, "consolidated", consolidated=True, times=2)
    assert c["status"] == "INGESTED" and arrays_of(rig, c) == ["B1", "B2"]


def test_subgroups_are_ignored(rig):
    c = run(rig, "subgroup", subgroup=True)
    assert c["status"] == "INGESTED" and c["ingestionErrors"] is None
    assert arrays_of(rig, c) == ["B1", "B2"]


def test_irregular_time_is_fine(rig):
    emu, session, bucket = rig
    group = write_cube(bucket / "irregular_time.zarr", times=3)
    group["time"][...] = [0, 1, 30]
    c = ingest(session, emu.url, name="irr", path="irregular_time.zarr/")
    assert c["status"] == "INGESTED"


def test_150_arrays_list_in_two_pages(rig):
    emu, session, bucket = rig
    names = tuple(f"band{i:03d}" for i in range(150))
    write_cube(bucket / "many.zarr", arrays=names, width=2, height=2)
    c = ingest(session, emu.url, name="many", path="many.zarr/")
    items, links = all_pages(session, f"{emu.url}/zarr/v1/collections/{c['id']}/arrays")
    assert [a["name"] for a in items] == sorted(names)
    assert len(links) == 2 and "next" not in links[-1] and "nextToken" not in links[-1]
    assert len(c["additionalData"]["bands"]) == 150


# ---- broken stores: group-level problems FAIL ---------------------------------------------


FAILED_CASES = {
    "no_spatial_pair": ({"spatial": ("x", "row")}, "exactly two spatial coordinate arrays"),
    "coord_dtype": ({"coord_dtype": "f2"}, "coordinate array 'x': dtype float16 not allowed"),
    "time_units_bad": ({"times": 2, "time_units": "fortnights since 2020-01-01"}, "rule 7a"),
    "time_units_missing": ({"times": 2, "time_units": None}, "'units' must be"),
    "time_units_no_instant": ({"times": 2, "time_units": "days since yesterday"}, "rule 7a"),
    "time_chunks_differ": (
        {"times": 4, "overrides": {"M": {"chunks": (2, 3, 4)}}},
        "B1: 1, B2: 1, M: 2",
    ),
    "x_not_equidistant": ({"x_values": [10.0, 10.01, 10.02, 10.04]}, "coordinate array 'x'"),
    "y_not_equidistant": ({"y_values": [47.0, 46.99, 46.97]}, "rule 9"),
    "north_pole_4326": ({"y_values": [90.0, 89.99, 89.98]}, "crosses a pole"),
    "south_pole_4326": ({"y_values": [-89.98, -89.99, -90.0]}, "crosses a pole"),
    "antimeridian_4326": ({"x_values": [179.99, 180.0, 180.01, 180.02]}, "longitude"),
    "no_data_arrays": ({"arrays": ()}, "no data array"),
}


@pytest.mark.parametrize("case", sorted(FAILED_CASES))
def test_group_level_violation_fails(rig, case):
    knobs, message = FAILED_CASES[case]
    c = run(rig, case, **knobs)
    assert c["status"] == "FAILED"
    assert message in c["ingestionErrors"]
    assert arrays_of(rig, c) == []
    assert c.get("envelope") is None and c["width"] is None


CRS_CASES = [
    ("crs_2154", "http://www.opengis.net/def/crs/EPSG/0/2154", {}, "rule 10"),
    (
        "utm_north_pole",
        CRS_UTM_N,
        {"grid": "utm", "y_values": [9997960.0, 9997950.0, 9997940.0]},
        "crosses a pole",
    ),
    (
        "utm_south_pole",
        "http://www.opengis.net/def/crs/EPSG/0/32733",
        {"grid": "utm", "y_values": [2040.0, 2030.0, 2020.0]},
        "crosses a pole",
    ),
    (
        "laea_pole",
        CRS_3035,
        {
            "grid": "3035",
            "x_values": [4320950.0, 4321050.0],
            "y_values": [7358050.0, 7357950.0],
        },
        "north pole",
    ),
    (
        "mercator_pole",
        "http://www.opengis.net/def/crs/EPSG/0/3857",
        {"grid": "3857", "y_values": [20037558.0, 20037458.0]},
        "crosses a pole",
    ),
]


@pytest.mark.parametrize(("case", "crs", "knobs", "message"), CRS_CASES)
def test_crs_dependent_failures(rig, case, crs, knobs, message):
    c = run(rig, case, crs=crs, **knobs)
    assert c["status"] == "FAILED" and message in c["ingestionErrors"]


def test_failed_ingestion_lists_every_violation(rig):
    c = run(rig, "many_failures", times=2, time_units=None, overrides={"small": {"dtype": "i2"}})
    assert c["status"] == "FAILED"
    assert "'units' must be" in c["ingestionErrors"]
    assert "array 'small': dtype int16 not allowed" in c["ingestionErrors"]


def test_laea_away_from_the_pole_ingests(rig):
    emu, session, bucket = rig
    write_cube(bucket / "laea_ok.zarr", crs="3035")
    c = ingest(session, emu.url, name="laea_ok", path="laea_ok.zarr/", crs=CRS_3035)
    assert c["status"] == "INGESTED"


def test_no_zgroup_fails(rig):
    emu, session, bucket = rig
    (bucket / "empty.zarr").mkdir()
    c = ingest(session, emu.url, name="empty", path="empty.zarr/")
    assert c["status"] == "FAILED" and ".zgroup" in c["ingestionErrors"]


def test_zarr_v3_store_fails(rig):
    import zarr

    emu, session, bucket = rig
    group = zarr.open_group(bucket / "v3.zarr", mode="w", zarr_format=3)
    group.create_array("B1", shape=(2, 2), dtype="f4")
    c = ingest(session, emu.url, name="v3", path="v3.zarr/")
    assert c["status"] == "FAILED" and "Zarr format 2" in c["ingestionErrors"]


def test_missing_bucket_fails(rig):
    emu, session, _ = rig
    c = ingest(session, emu.url, name="nobucket", bucket="no-such-bucket", path="x.zarr/")
    assert c["status"] == "FAILED" and "bucket 'no-such-bucket'" in c["ingestionErrors"]


# ---- broken arrays are skipped -------------------------------------------------------------


SKIP_CASES = {
    "dtype": (
        {"overrides": {"small": {"dtype": "i2"}}},
        f"array 'small': dtype int16 not allowed {ALLOWED}",
    ),
    "dtype_u8": (
        {"overrides": {"big": {"dtype": "u8"}}},
        f"array 'big': dtype uint64 not allowed {ALLOWED}",
    ),
    "name_digit": ({"overrides": {"2nd": {}}}, "array '2nd': name is not a valid JavaScript"),
    "name_reserved": ({"overrides": {"class": {}}}, "array 'class': name is not a valid"),
    "name_dash": ({"overrides": {"a-b": {}}}, "array 'a-b': name"),
    "four_dims": (
        {
            "times": 2,
            "overrides": {"D4": {"shape": (1, 2, 3, 4), "dims": None, "chunks": (1, 1, 3, 4)}},
        },
        "array 'D4': has 4 dimensions",
    ),
    "one_dim": (
        {"overrides": {"D1": {"shape": (4,), "dims": ["x"], "chunks": (4,)}}},
        "array 'D1': has 1 dimensions",
    ),
    "f_order": ({"overrides": {"F": {"order": "F"}}}, "array 'F': order 'F' not allowed"),
    "dims_swapped": (
        {"overrides": {"T": {"dims": ["x", "y"], "shape": (3, 4)}}},
        "array 'T': dimensions ['x', 'y'] not allowed",
    ),
    "shape_mismatch": (
        {"overrides": {"S": {"shape": (4, 3), "dims": None}}},
        "array 'S': shape [4, 3] does not match",
    ),
    "big_spatial_chunk": (
        {
            "width": 3073,
            "height": 2,
            "chunks": (1, 1024),
            "overrides": {"BIG": {"chunks": (1, 3073)}},
        },
        "array 'BIG': spatial chunk size [1, 3073] exceeds 3072",
    ),
    "big_time_chunk": (
        {"times": 51, "width": 2, "height": 2, "overrides": {"TC": {"chunks": (51, 2, 2)}}},
        "array 'TC': time chunk size 51 exceeds 50",
    ),
    "3d_without_time": (
        {
            "overrides": {
                "T3": {"shape": (2, 3, 4), "chunks": (1, 3, 4), "dims": ["time", "y", "x"]}
            }
        },
        "array 'T3': 3-D data needs a 'time'",
    ),
}


@pytest.mark.parametrize("case", sorted(SKIP_CASES))
def test_array_level_violation_skips_the_array(rig, case):
    knobs, message = SKIP_CASES[case]
    c = run(rig, f"skip_{case}", **knobs)
    assert c["status"] == "INGESTED", c["ingestionErrors"]
    assert message in c["ingestionErrors"]
    assert arrays_of(rig, c) == ["B1", "B2"]
    assert set(c["additionalData"]["bands"]) == {"B1", "B2"}


def test_exact_dtype_message(rig):
    c = run(rig, "exact_dtype", overrides={"small": {"dtype": "i2"}})
    assert c["ingestionErrors"] == "array 'small': dtype int16 not allowed (u4, i4, i8, f4, f8)"
