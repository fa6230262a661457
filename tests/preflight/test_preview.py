"""The ``preflight`` input at preview time: ``check`` through the SDK's dynamic provider host
over gRPC, reading the emulator's local buckets (PULUMI_ZARR_BUCKETS_DIR)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from harness.fixtures import (
    CRS_4326,
    GOOD_BUCKET,
    GOOD_PATH,
    write_cube_with_skipped_array,
    write_failing_cube,
)

from pulumi_zarr.testing.engine import UNKNOWN, ProviderHost


def inputs(**overrides: Any) -> dict[str, Any]:
    props = {"name": "cube", "s3_bucket": GOOD_BUCKET, "path": GOOD_PATH, "crs": CRS_4326}
    return {**props, **overrides}


@pytest.fixture(scope="module")
def stores(buckets):
    write_failing_cube(buckets, GOOD_BUCKET, "failing.zarr/")
    write_cube_with_skipped_array(buckets, GOOD_BUCKET, "skipping.zarr/")
    return buckets


@pytest.fixture(scope="module")
def preview(stores, sh_config):
    with ProviderHost(env={"PULUMI_ZARR_BUCKETS_DIR": str(stores)}) as host:
        host.configure(sh_config)
        yield host


def test_error_mode_fails_check_on_path(preview):
    checked, failures = preview.check({}, inputs(path="failing.zarr/", preflight="error"))
    assert [prop for prop, _ in failures] == ["path"]
    [(_, reason)] = failures
    assert "rule 3" in reason and "'x' and 'y', or 'lat' and 'lon'" in reason
    assert checked["preflight"] == "error"


def test_error_mode_names_the_skipped_array(preview):
    _, failures = preview.check({}, inputs(path="skipping.zarr/", preflight="error"))
    [(prop, reason)] = failures
    assert prop == "path" and "array 'bad-name'" in reason and "rule 2" in reason


def test_good_store_passes(preview):
    assert preview.check({}, inputs(preflight="error"))[1] == []


def test_warn_mode_reports_without_failing(preview):
    _, failures = preview.check({}, inputs(path="failing.zarr/", preflight="warn"))
    assert failures == []
    assert "warning: preflight:" in preview.stderr_text() and "rule 3" in preview.stderr_text()


def test_unreadable_store_warns_once_and_never_blocks(preview):
    missing = {"s3_bucket": f"nope-{uuid.uuid4().hex[:8]}", "preflight": "warn"}
    for _ in range(2):
        assert preview.check({}, inputs(**missing))[1] == []
    where = f"{preview.env['PULUMI_ZARR_BUCKETS_DIR']}/{missing['s3_bucket']}"
    assert preview.stderr_text().count(f"could not read the Zarr store at {where}") == 1


def test_unreadable_store_fails_in_error_mode(preview):
    _, failures = preview.check({}, inputs(s3_bucket="nope-error", preflight="error"))
    [(prop, reason)] = failures
    assert prop == "path" and "could not read" in reason and "preflight='off'" in reason


def test_off_and_unknown_inputs_skip_the_check(preview):
    assert preview.check({}, inputs(path="failing.zarr/"))[1] == []
    assert preview.check({}, inputs(path="failing.zarr/", preflight="off"))[1] == []
    assert preview.check({}, inputs(path=UNKNOWN, preflight="error"))[1] == []


def test_bad_mode_is_a_check_failure(preview):
    [(prop, reason)] = preview.check({}, inputs(preflight="strict"))[1]
    assert prop == "preflight" and "'off', 'warn', 'error'" in reason


def test_buckets_dir_from_stack_config(stores, sh_config):
    with ProviderHost() as host:
        host.configure({**sh_config, "sentinelhub:preflightBucketsDir": str(stores)})
        _, failures = host.check({}, inputs(path="failing.zarr/", preflight="error"))
    assert [prop for prop, _ in failures] == ["path"]
