"""The buckets folder is a jail: bad names refused at create, symlinks out refused at ingestion."""

from __future__ import annotations

import os

import pytest

from pulumi_zarr.emulator.samples import write_cube

from .helpers import ingest, spec


@pytest.mark.parametrize(
    "bucket", ["..", "../cubes", "a/b", "a\\b", "/etc", "%2e%2e", "", "cu\x00bes", ".", "a..b"]
)
def test_bucket_must_be_a_plain_name(emulator, oauth, bucket):
    response = oauth.post(f"{emulator.url}/zarr/v1/collections", json=spec(bucket=bucket))
    assert response.status_code == 400, bucket
    assert "s3Bucket" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "path",
    [
        "../outside.zarr/",
        "demo.zarr/../../outside.zarr/",
        "a//b/",
        "a\\..\\b/",
        "%2e%2e/outside.zarr/",
        "..%2Foutside.zarr/",
        "a\x00/",
        "./demo.zarr/",
        "/etc/",
        "..\\x/",
    ],
)
def test_path_traversal_is_refused(emulator, oauth, path):
    response = oauth.post(f"{emulator.url}/zarr/v1/collections", json=spec(path=path))
    assert response.status_code == 400, path
    assert "path" in response.json()["error"]["message"]


def test_symlinked_store_out_of_the_bucket_is_not_read(emulator, oauth, buckets_dir, tmp_path):
    outside = tmp_path / "outside"
    write_cube(outside / "secret.zarr")  # a perfectly good store, outside the buckets folder
    (buckets_dir / "cubes").mkdir()
    os.symlink(outside / "secret.zarr", buckets_dir / "cubes" / "link.zarr")
    c = ingest(oauth, emulator.url, path="link.zarr/")
    assert c["status"] == "FAILED" and "outside the bucket" in c["ingestionErrors"]
    assert c.get("zattrs") is None  # nothing of the outside store leaked


def test_symlinked_array_out_of_the_bucket_is_not_read(emulator, oauth, buckets_dir, tmp_path):
    write_cube(tmp_path / "outside" / "other.zarr", arrays=("B9",))
    write_cube(buckets_dir / "cubes" / "demo.zarr")
    os.symlink(
        tmp_path / "outside" / "other.zarr" / "B9", buckets_dir / "cubes" / "demo.zarr" / "B9"
    )
    c = ingest(oauth, emulator.url)
    assert c["status"] == "FAILED" and "outside the bucket" in c["ingestionErrors"]


def test_symlinked_bucket_out_of_the_buckets_folder(emulator, oauth, buckets_dir, tmp_path):
    write_cube(tmp_path / "elsewhere" / "demo.zarr")
    os.symlink(tmp_path / "elsewhere", buckets_dir / "linked")
    c = ingest(oauth, emulator.url, bucket="linked")
    assert c["status"] == "FAILED" and "bucket 'linked'" in c["ingestionErrors"]


def test_symlink_inside_the_bucket_is_fine(emulator, oauth, buckets_dir):
    write_cube(buckets_dir / "cubes" / "real.zarr")
    os.symlink(buckets_dir / "cubes" / "real.zarr", buckets_dir / "cubes" / "alias.zarr")
    assert ingest(oauth, emulator.url, path="alias.zarr/")["status"] == "INGESTED"


def test_nested_path_inside_a_bucket(emulator, oauth, buckets_dir):
    write_cube(buckets_dir / "cubes" / "deep" / "er" / "cube.zarr")
    c = ingest(oauth, emulator.url, path="deep/er/cube.zarr/")
    assert c["status"] == "INGESTED"
