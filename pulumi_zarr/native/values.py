"""Property maps as the native plugin receives and returns them (``PropertyValue``s with wire
names) ↔ the plain snake_case dicts :class:`~pulumi_zarr.collection.calls.Operations` works on.

Secrets: a property whose value holds a secret is remembered by name and marked secret again
on the way out. Unknowns (preview) become the ``rpc.UNKNOWN`` sentinel, which the schema
helpers recognise; they go back out as that sentinel too (``PropertyValue.computed()`` cannot
be marshalled in SDK 3.272). ``null`` is an unset property.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime import rpc

from ..dynamic.property_bags import PROVIDER_KEY
from .names import field_name, wire_name


def plain(value: PropertyValue) -> Any:
    """The Python value inside ``value`` (secrets unwrapped at every depth)."""
    inner = value.value
    if isinstance(inner, Computed):
        return rpc.UNKNOWN
    if isinstance(inner, Mapping):
        return {key: plain(item) for key, item in inner.items()}
    if isinstance(inner, Sequence) and not isinstance(inner, str):
        return [plain(item) for item in inner]
    return inner


class Plain(NamedTuple):
    values: dict[str, Any]
    #: the names of the properties that held a secret
    secret: set[str]


def from_wire(props: Mapping[str, PropertyValue]) -> Plain:
    """Plain values by field name (nulls and a dynamic state's ``__provider`` left out), and the
    names of the properties that held a secret."""
    values: dict[str, Any] = {}
    secret: set[str] = set()
    for key, value in props.items():
        if key == PROVIDER_KEY:
            continue
        name = field_name(key)
        if value.contains_secret():
            secret.add(name)
        unwrapped = plain(value)
        if unwrapped is not None:
            values[name] = unwrapped
    return Plain(values, secret)


def property_value(value: Any, secret: bool = False) -> PropertyValue:
    """A JSON-like Python value as a ``PropertyValue`` (numbers become floats)."""
    if isinstance(value, PropertyValue):
        return value.with_secret(secret or value.is_secret)
    if isinstance(value, Mapping):
        inner: Any = {str(k): property_value(v) for k, v in value.items()}
    elif isinstance(value, (list, tuple)):
        inner = [property_value(v) for v in value]
    elif isinstance(value, int) and not isinstance(value, bool):
        inner = float(value)
    else:
        inner = value
    return PropertyValue(inner, is_secret=secret)


def to_wire(props: Mapping[str, Any], secret: set[str]) -> dict[str, PropertyValue]:
    """``props`` by wire name, the named properties marked secret."""
    return {wire_name(k): property_value(v, k in secret) for k, v in props.items()}
