"""The real `pulumi` CLI shows a failed ingestion's errors with a bucket's escape sequences
escaped: an array folder named to retitle the window, clear the screen and print a green
"all good" reaches the terminal as visible text, through both providers; and the FAILED
collection is deleted, so the failed `up` leaves nothing behind."""

from __future__ import annotations

import pytest
from harness.measure import unique

from pulumi_zarr.emulator.samples import write_cube

from .conftest import BUCKET, collections_named, spec

pytestmark = pytest.mark.e2e

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[32mall good"
SHOWN = r"\x1b]0;pwned\x07\x1b[2J\x1b[32mall good"


@pytest.mark.parametrize("resource", ["dynamic", "native"])
def test_an_ingestion_error_naming_a_hostile_array_is_shown_escaped(
    stack_factory, api, buckets, resource
):
    write_cube(buckets / BUCKET / "hostile.zarr", arrays=(HOSTILE,))  # its one array: FAILED
    name = unique("hostile")
    stack = stack_factory(resource=resource)
    stack.collections({"cube": spec(name, path="hostile.zarr/")})
    shown = stack.up(ok=False).text
    assert "failed to ingest" in shown and SHOWN in shown, shown
    assert "\x1b" not in shown and "\x07" not in shown, shown
    assert "was deleted, so nothing is left behind" in shown, shown
    assert collections_named(api, name) == []
    assert stack.resources() == []
