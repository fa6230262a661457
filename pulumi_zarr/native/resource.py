"""``NativeZarrCollection``: the typed Python class of ``sentinelhub:index:ZarrCollection``.

The same typed arguments and outputs as the dynamic :class:`~pulumi_zarr.ZarrCollection`
(:class:`~pulumi_zarr.dynamic.resource.ZarrCollectionBase`), served by the plugin instead of the
dynamic provider host. Every instance carries an alias to the dynamic resource's type, so a
stack moves from one class to the other without recreating its collections.
"""

from __future__ import annotations

from typing import Any

import pulumi

from ..dynamic.resource import TYPE_TOKEN, ZarrCollectionBase
from .names import TOKEN, field_name, wire_name


def dynamic_alias() -> pulumi.Alias:
    """The alias to the dynamic resource of the same name (``pulumi-python:dynamic/…``)."""
    return pulumi.Alias(type_=TYPE_TOKEN)


class NativeZarrCollection(ZarrCollectionBase, pulumi.CustomResource):
    """A Sentinel Hub Zarr collection, through the native ``sentinelhub`` provider plugin."""

    def _register(
        self, resource_name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None
    ) -> None:
        moved = pulumi.ResourceOptions(aliases=[dynamic_alias()])
        merged = pulumi.ResourceOptions.merge(moved, opts)
        pulumi.CustomResource.__init__(self, TOKEN, resource_name, props, merged)

    def translate_input_property(self, prop: str) -> str:
        return wire_name(prop)

    def translate_output_property(self, prop: str) -> str:
        return field_name(prop)
