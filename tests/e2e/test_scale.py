"""Scale through the real CLI: one program with 1,200 ZarrCollections goes up and is destroyed.

Before ZarrCollection's guard, the SDK's serialize_provider raised RecursionError near 960
dynamic resources in one program.
"""

from __future__ import annotations

import os
import time

import pytest
from harness.measure import unique

from .conftest import BUCKET, GOOD

pytestmark = pytest.mark.e2e

COUNT = int(os.environ.get("E2E_SCALE_COUNT", "1200"))


@pytest.mark.timeout(900)
def test_twelve_hundred_collections_go_up_and_are_destroyed(stack_factory, api):
    prefix = unique("scale")
    # The file backend rewrites the whole state after every step (quadratic in the stack's
    # size: 300 collections took 24 s, 1,200 over 5 min); skipping the intermediate
    # checkpoints is the engine's setting for large stacks.
    stack = stack_factory(env={"PULUMI_SKIP_CHECKPOINTS": "true"})
    stack.configure(
        {
            f"{stack.project}:many": {
                "count": COUNT,
                "s3_bucket": BUCKET,
                "path": GOOD,
                "prefix": prefix,
            }
        }
    )
    started = time.monotonic()
    shown = stack.up("--parallel", "16").stdout
    up_seconds = time.monotonic() - started
    # the collections, the stack, and the dynamic collections' own pulumi-python provider
    assert f"+ {COUNT + 2} created" in shown, shown[-2000:]
    assert stack.outputs()["many_ids"] == COUNT
    held = [c for c in api.list(search=prefix) if c["name"].startswith(prefix + " ")]
    assert len(held) == COUNT and len({c["id"] for c in held}) == COUNT

    started = time.monotonic()
    shown = stack.destroy("--parallel", "16").stdout
    destroy_seconds = time.monotonic() - started
    assert f"- {COUNT + 2} deleted" in shown, shown[-2000:]
    assert [c for c in api.list(search=prefix) if c["name"].startswith(prefix + " ")] == []
    print(f"\n{COUNT} collections: up {up_seconds:.1f} s, destroy {destroy_seconds:.1f} s")
