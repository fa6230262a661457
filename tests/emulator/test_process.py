"""The CLI as a subprocess (driven like the Sentinel Hub examples) and the --state file."""

from __future__ import annotations

import os
import time

from pulumi_zarr.emulator.server import Emulator, EmulatorProcess

from .helpers import CRS_4326, create, get, oauth_session, wait_final


def test_cli_subprocess_like_the_seed_example(buckets_dir, write_cube):
    write_cube(buckets_dir / "my-bucket" / "path-to-zarr.zarr", times=2)
    with EmulatorProcess(buckets_dir, ingest_delay=0.2, clients={"local": "local-secret"}) as emu:
        assert emu.url.startswith("http://127.0.0.1:")
        oauth = oauth_session(emu.url)
        collection = {
            "name": "My Collection",
            "s3Bucket": "my-bucket",
            "path": "path-to-zarr.zarr/",
            "crs": CRS_4326,
        }
        response = oauth.post(f"{emu.url}/api/v1/zarr/collections", json=collection)
        response.raise_for_status()
        collection = response.json()["data"]
        collection_id = collection["id"]
        assert collection["status"] == "CREATED"
        assert (
            wait_final(oauth, emu.url, collection_id, prefix="/api/v1/zarr")["status"] == "INGESTED"
        )
        new_col_name = {"name": "My modified collection name"}
        response = oauth.put(
            f"{emu.url}/api/v1/zarr/collections/{collection_id}", json=new_col_name
        )
        response.raise_for_status()
        response = oauth.get(f"{emu.url}/api/v1/zarr/collections/{collection_id}/arrays")
        response.raise_for_status()
        assert [a["name"] for a in response.json()["data"]] == ["B1", "B2"]
        b1 = oauth.get(f"{emu.url}/api/v1/zarr/collections/{collection_id}/arrays/B1")
        b1.raise_for_status()
        assert b1.json()["data"]["zarray"]["shape"] == [2, 3, 4]
        # the remote control works over HTTP
        assert emu.control.stats()["token_requests"] == {"local": 1}
        assert emu.control.timeline(collection_id)["status"] == "INGESTED"
        response = oauth.delete(f"{emu.url}/api/v1/zarr/collections/{collection_id}")
        response.raise_for_status()
        token = oauth.access_token
        process = emu.process
    assert process.poll() is not None  # stopped and reaped: no stray process
    log = emu.output()
    assert "GET /api/v1/zarr/collections" in log  # access log is on in the CLI
    assert token not in log and "local-secret" not in log
    os.unlink(emu.log_path)


def test_state_file_survives_a_restart(buckets_dir, write_cube, tmp_path):
    write_cube()
    state = tmp_path / "state.sqlite"
    with Emulator(buckets_dir, state_path=state, ingest_delay=0.1) as first:
        oauth = oauth_session(first.url)
        done = create(oauth, first.url, name="done")["id"]
        wait_final(oauth, first.url, done)
        first.control.set_stuck("^pending")  # its outcome is computed but not yet visible
        pending = create(oauth, first.url, name="pending")["id"]
    with Emulator(buckets_dir, state_path=state, ingest_delay=0.1) as second:
        oauth = oauth_session(second.url)  # tokens of the first instance are not valid here
        survived = get(oauth, second.url, done)
        assert survived["status"] == "INGESTED" and survived["width"] == 4
        assert wait_final(oauth, second.url, pending)["status"] == "INGESTED"
        names = [c["name"] for c in oauth.get(f"{second.url}/zarr/v1/collections").json()["data"]]
        assert names == ["done", "pending"]


def test_unfinished_ingestion_resumes_after_restart(buckets_dir, write_cube, tmp_path):
    write_cube()
    state = tmp_path / "state.sqlite"
    with EmulatorProcess(buckets_dir, state_path=state, ingest_delay=30) as first:
        oauth = oauth_session(first.url)
        cid = create(oauth, first.url)["id"]
        time.sleep(0.3)
        assert get(oauth, first.url, cid)["status"] == "INGESTING"
    # the ingestion outcome may or may not have been stored; the run's deadline is kept
    with EmulatorProcess(buckets_dir, state_path=state, ingest_delay=0.1) as second:
        oauth = oauth_session(second.url)
        assert get(oauth, second.url, cid)["status"] == "INGESTING"
        assert second.control.timeline(cid)["readyAt"] > time.time() + 20
    os.unlink(first.log_path)
    os.unlink(second.log_path)
