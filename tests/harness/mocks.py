"""Pulumi unit-test mocks for programs whose resources need no provider (plain registrations)."""

from __future__ import annotations

from typing import Any

import pulumi


class EchoMocks(pulumi.runtime.Mocks):
    """Each resource gets the id ``id-<name>`` and its inputs as its state; calls return {}."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"id-{args.name}", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None
