"""``pulumi-zarr sample-cube``: offline users get a store that the emulator ingests, written where
the printed emulator command serves it; bad input is refused before anything is written."""

from __future__ import annotations

import json

from emulator.helpers import ingest


def test_the_written_cube_is_ingested_with_every_array(run, buckets_dir, url, oauth):
    code, out, err = run("sample-cube", "--buckets", str(buckets_dir), "--times", "2")
    assert (code, err) == (0, "")
    assert f"serve it:   pulumi-zarr emulator --buckets {buckets_dir}\n" in out
    assert (
        "declare it: s3_bucket='cubes' path='demo.zarr/' crs='http://www.opengis.net/def/crs/EPSG/0/4326'"
        in out
    )
    made = ingest(oauth, url, name="sample", path="demo.zarr/")
    assert made["status"] == "INGESTED" and made["ingestionErrors"] in (None, "", [])
    arrays = oauth.get(f"{url}/api/v1/zarr/collections/{made['id']}/arrays").json()["data"]
    assert sorted(a["name"] for a in arrays) == ["B1", "B2", "B3"]


def test_json_names_what_to_declare(run, tmp_path):
    code, out, _ = run(
        "sample-cube",
        "--json",
        "--buckets",
        str(tmp_path),
        "--bucket",
        "my-cubes",
        "--path",
        "a/b.zarr/",
        "--arrays",
        "red,nir",
        "--crs",
        "32633",
    )
    assert code == 0
    assert json.loads(out) == {
        "store": str(tmp_path / "my-cubes" / "a" / "b.zarr"),
        "s3Bucket": "my-cubes",
        "path": "a/b.zarr/",
        "crs": "http://www.opengis.net/def/crs/EPSG/0/32633",
        "arrays": ["red", "nir"],
    }


def test_bad_names_and_an_existing_store_are_refused_and_nothing_is_written(run, tmp_path):
    code, out, err = run("sample-cube", "--buckets", str(tmp_path), "--bucket", "Bad_Bucket")
    assert (code, out) == (2, "")
    assert err.startswith("pulumi-zarr: sample-cube: s3_bucket 'Bad_Bucket' is not a valid S3")
    code, _, err = run("sample-cube", "--buckets", str(tmp_path), "--path", "no-slash")
    assert code == 2 and "must end with '/'" in err
    assert list(tmp_path.iterdir()) == []
    assert run("sample-cube", "--buckets", str(tmp_path))[0] == 0
    code, _, err = run("sample-cube", "--buckets", str(tmp_path))
    assert code == 2 and "demo.zarr exists; choose another --path" in err
