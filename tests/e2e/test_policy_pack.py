"""The CrossGuard policy pack (policies/) through the real CLI: `pulumi preview --policy-pack`
fails a violating program with each rule's message and passes a compliant one.

One stack named like a production stack, two previews, both resource types in one program (the
dynamic collection's snake_case inputs, the native one's camelCase). The program and the pack
run with the release's pulumi-zarr over .venv-policy (scripts/venv.sh policy_venv:
pulumi-policy requires protobuf 5.29): the Python language host this CLI build uses runs a
policy pack as `$PULUMI_PYTHON_CMD <pack folder> <engine address>` (scripts/langhost-patch),
ignoring PulumiPolicy.yaml's `virtualenv`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from pulumi_zarr import crossguard
from pulumi_zarr.testing.cli import Stack, native_plugins
from pulumi_zarr.testing.release import release_venv

from .conftest import BUCKET, GOOD, OTHER, REPO, spec

pytestmark = pytest.mark.e2e

POLICY_VENV = REPO / ".venv-policy"
PACK = REPO / "policies"
PATTERNS = crossguard.DEFAULT_STACKS


@pytest.fixture(scope="module")
def policy_python(release_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    subprocess.run(
        ["bash", "-c", f"source scripts/venv.sh && policy_venv {POLICY_VENV}"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    venv = tmp_path_factory.mktemp("policy-release")
    return release_venv(release_wheel, venv, base=POLICY_VENV / "bin" / "python")


def test_policy_pack_fails_a_violating_preview_and_passes_a_compliant_one(
    stack_factory: Callable[..., Stack], policy_python: Path, buckets: Path
) -> None:
    stack = stack_factory(
        stack="prod-eu",
        env={"PULUMI_PYTHON_CMD": str(policy_python)},
        plugins=native_plugins(),
        config={"sentinelhub:preflightBucketsDir": str(buckets)},
    )
    stack.collections(
        {
            "loose": spec("loose", wait_for_ingestion=False),
            "twin": {**spec("twin", preflight="warn"), "resource": "native"},
        }
    )
    failed = stack.preview("--policy-pack", str(PACK), ok=False)
    shown = _flat(failed.text)
    dynamic, native = crossguard.DYNAMIC_TOKEN, crossguard.NATIVE_TOKEN
    loose, twin = _urn(stack, dynamic, "loose"), _urn(stack, native, "twin")
    expected = [
        crossguard.preflight_violation(dynamic, {}, loose, PATTERNS),
        crossguard.wait_violation(dynamic, {"wait_for_ingestion": False}, loose, PATTERNS),
        crossguard.protect_violation(dynamic, False, loose, PATTERNS),
        crossguard.preflight_violation(native, {"preflight": "warn"}, twin, PATTERNS),
        crossguard.protect_violation(native, False, twin, PATTERNS),
        *(
            message
            for _, message in crossguard.duplicate_violations(
                [crossguard.Placed(loose, BUCKET, GOOD), crossguard.Placed(twin, BUCKET, GOOD)]
            )
        ),
    ]
    for message in expected:
        assert message and _flat(message) in shown, f"{message!r} not in:\n{failed.text}"
    assert "[mandatory] zarr-wait-for-ingestion (sentinelhub:index" not in shown  # native waits
    assert "❌ zarr-guard@v0.1.0" in failed.text

    guarded = {"preflight": "error", "options": {"protect": True}}
    stack.collections(
        {
            "loose": {**spec("loose"), **guarded},
            "twin": {**spec("twin", path=OTHER), **guarded, "resource": "native"},
        }
    )
    passed = stack.preview("--policy-pack", str(PACK))
    assert "✅ zarr-guard@v0.1.0" in passed.text, passed.text
    assert "[mandatory]" not in passed.text, passed.text


def _urn(stack: Stack, resource_type: str, name: str) -> str:
    return f"urn:pulumi:{stack.stack}::{stack.project}::{resource_type}::{name}"


def _flat(text: str) -> str:
    """Text with its line breaks and runs of spaces folded (the CLI indents and wraps)."""
    return " ".join(text.split())
