"""What the user sees while a create waits for a long ingestion (real CLI)."""

from __future__ import annotations

import re

import pytest
from harness.fixtures import timed_out
from harness.measure import unique

from .conftest import spec

pytestmark = pytest.mark.e2e


DYNAMIC_ROW = "pulumi-python:dynamic/sentinelhub:ZarrCollection cube"
NATIVE_ROW = "sentinelhub:index:ZarrCollection cube"
#: Where each provider's progress line shows: the dynamic host logs "info: …" without a
#: resource (under the stack; kept in the Diagnostics), the native plugin a status line on the
#: collection's row (not kept). Then the collection's row, and the timeout's input name.
SHOWN = {
    "dynamic": (
        "pulumi:pulumi:Stack zarr-e2e-e2e",
        "info: ",
        DYNAMIC_ROW,
        "ingestion_timeout_seconds",
        True,
    ),
    "native": (NATIVE_ROW, "", NATIVE_ROW, "ingestionTimeoutSeconds", False),
}


#: Long enough for one progress line (after 10 s), short of the second (30 s later): the schedule
#: is proven in process (tests/unit/test_polling.py); here, that a line shows as it happens.
TIMEOUT = 15


@pytest.mark.parametrize("resource", sorted(SHOWN))
def test_a_long_ingestion_prints_progress(stack_factory, emu, resource):
    row, prefix, resource_row, timeout_name, kept = SHOWN[resource]
    name = unique("slow")
    emu.control.set_stuck(re.escape(name))  # stays INGESTING until released
    stack = stack_factory(resource=resource)
    stack.collections({"cube": spec(name, ingestion_timeout_seconds=TIMEOUT)})
    shown = stack.up(ok=False).text  # times out after TIMEOUT s: progress at 10 s
    emu.control.set_stuck(None)
    live, diagnostics = shown.split("Diagnostics:", 1)
    line = (
        rf"Zarr collection '{name}' \([0-9a-f-]+\) is still INGESTING: (\d+) s elapsed of "
        rf"{TIMEOUT} s \({timeout_name}\)"
    )
    # printed as it happens: on the row while it is still "creating", before its failure
    progress = list(re.finditer(rf"{re.escape(row)} creating \(\d+s\) {prefix}{line}", live))
    [elapsed] = [int(found.group(1)) for found in progress]  # after 10 s, once
    assert 10 <= elapsed < TIMEOUT, elapsed
    assert len(re.findall(line, diagnostics)) == (1 if kept else 0), diagnostics
    # the error, once on the row and once in the Diagnostics, is its message (conftest: and
    # no Python traceback anywhere)
    ending = (
        rf"'{name}' \(s3://cubes/good.zarr/\) {timed_out(TIMEOUT, timeout_name)}"
        r".* was deleted, so nothing is left behind\."
    )
    failure = rf"{re.escape(resource_row)} \*\*creating failed\*\* error: .*{ending}"
    failed = re.search(failure, live)
    assert failed and progress[0].end() < failed.start(), live
    assert re.search(rf"error: .*{ending}", diagnostics), diagnostics


#: How each provider's debug lines show: the dynamic host's stderr under the stack, the native
#: plugin's log lines on the collection's row (from its check on, before it is "creating").
DEBUG_SHOWN = {
    "dynamic": r"pulumi:pulumi:Stack zarr-e2e-e2e creating \(\d+s\) debug: ",
    "native": r"sentinelhub:index:ZarrCollection cube +(creating \(\d+s\) )?debug: ",
}


@pytest.mark.parametrize("resource", sorted(DEBUG_SHOWN))
def test_the_debug_switch_shows_the_http_traffic_redacted(stack_factory, resource):
    name = unique("debug")
    stack = stack_factory(env={"PULUMI_ZARR_DEBUG_HTTP": "1"}, resource=resource)
    stack.collections({"cube": spec(name)})
    shown = stack.up().text
    row = DEBUG_SHOWN[resource]
    assert re.search(rf"{row}pulumi_zarr\.transport: POST /api/v1/zarr/collections -> 201", shown)
    assert re.search(rf"{row}urllib3\.connectionpool: .*\"POST /auth/realms/main/", shown), shown
    # stack_factory searches this output for the client secret and every issued token
