"""The engine's timeouts (a resource's ``customTimeouts``) through the plugin's Create and
Update, against an emulator whose ingestion never ends: the shorter of that timeout and
``ingestionTimeoutSeconds`` ends the wait, exactly as the ingestion timeout does (on create,
nothing is left behind).
"""

from __future__ import annotations

import re

import pytest
from harness.fixtures import CRS_4326, GOOD_BUCKET, GOOD_PATH, timed_out
from harness.measure import unique

from pulumi_zarr.testing.engine import ProviderError


@pytest.fixture
def stuck(emu):
    emu.control.set_stuck("^stuck-")
    yield "stuck-"
    emu.control.set_stuck(None)


def inputs(native, name: str, **more):
    checked, failures = native.check(
        {},
        {"name": name, "s3Bucket": GOOD_BUCKET, "path": GOOD_PATH, "crs": CRS_4326, **more},
    )
    assert failures == []
    return checked


def test_create_ends_at_the_shorter_custom_timeout_and_leaves_nothing(native, api, stuck):
    name = unique(stuck)
    with pytest.raises(ProviderError) as info:
        native.create(inputs(native, name, ingestionTimeoutSeconds=600), timeout=1)
    said = info.value.details
    advice = r"Raise customTimeouts\.create"
    assert re.search(timed_out(1, "customTimeouts.create") + advice, said), said
    assert "was deleted, so nothing is left behind" in said
    assert api.named(name) == []


def test_ingestion_timeout_ends_it_when_shorter(native, api, stuck):
    name = unique(stuck)
    with pytest.raises(ProviderError) as info:
        native.create(inputs(native, name, ingestionTimeoutSeconds=1), timeout=600)
    said = info.value.details
    advice = "Raise ingestionTimeoutSeconds"
    assert re.search(timed_out(1, "ingestionTimeoutSeconds") + advice, said), said
    assert api.named(name) == []


def test_update_reingest_ends_at_the_custom_timeout_and_keeps_the_collection(native, api, emu):
    name = unique("stuck-later")
    checked = inputs(native, name)
    id_, outs = native.create(checked)
    try:
        emu.control.set_stuck("^stuck-later")
        news = {**checked, "reingestTrigger": "again"}
        with pytest.raises(ProviderError) as info:
            native.update(id_, outs, news, timeout=1)
        said = info.value.details
        assert "did not finish: ingestion did not finish within 1 s" in said
        assert "(customTimeouts.update). The collection is kept" in said
        assert api.get(id_) is not None
    finally:
        emu.control.set_stuck(None)
        api.delete(id_)
