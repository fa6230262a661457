"""What the user sees while a create waits for a long ingestion (real CLI)."""

from __future__ import annotations

import re

import pytest
from harness.measure import unique

from .conftest import spec

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(300)
def test_a_long_ingestion_prints_progress(stack_factory, emu):
    name = unique("slow")
    emu.control.set_stuck(re.escape(name))  # stays INGESTING until released
    stack = stack_factory()
    stack.collections({"cube": spec(name, ingestion_timeout_seconds=45)})
    shown = stack.up(ok=False).text  # times out after 45 s: progress at 10 s and 40 s
    emu.control.set_stuck(None)
    # shown live (under the stack: the dynamic host logs without a resource) and again in
    # the Diagnostics at the end
    live = shown.split("Diagnostics:", 1)[0]
    pattern = (
        rf"creating \((\d+)s\) info: Zarr collection '{name}' \([0-9a-f-]+\) is still "
        r"INGESTING: (\d+) s elapsed of 45 s \(ingestion_timeout_seconds\)"
    )
    seen = [(int(at), int(elapsed)) for at, elapsed in re.findall(pattern, live)]
    [first, second] = [elapsed for _, elapsed in seen]  # after 10 s, then 30 s later
    assert 10 <= first <= 12 and 29 <= second - first <= 31, seen
    assert all(abs(at - elapsed) <= 2 for at, elapsed in seen), seen  # printed as it happens
    assert f"'{name}' (s3://cubes/good.zarr/) was still INGESTING after 45 s" in shown
    assert "was deleted, so nothing is left behind" in shown


def test_the_debug_switch_shows_the_http_traffic_redacted(stack_factory, api):
    name = unique("debug")
    stack = stack_factory(env={"PULUMI_ZARR_DEBUG_HTTP": "1"})
    stack.collections({"cube": spec(name)})
    shown = stack.up().text
    assert re.search(r"debug: pulumi_zarr\.transport: POST /api/v1/zarr/collections -> 201", shown)
    assert re.search(r"debug: urllib3\.connectionpool: .*\"POST /auth/realms/main/", shown), shown
    # stack_factory searches this output for the client secret and every issued token
    stack.destroy()
    assert api.named(name) == []
