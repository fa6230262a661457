"""Names of the native package: its type token, and the camelCase wire name of each field.

The resource's fields are declared once, snake_case, by the models in
:mod:`pulumi_zarr.collection.spec`; the package schema, the gRPC wire and the typed Python class use
the camelCase names derived from them here by :func:`wire_name` — the same convention as the Zarr
Import API's own JSON (:mod:`pulumi_zarr.api.models`), so ``s3_bucket`` is ``s3Bucket`` in both.
"""

from __future__ import annotations

import re
from functools import cache

from ..api.config import NAMESPACE

#: The package name: the plugin is ``pulumi-resource-sentinelhub``; its config keys are
#: ``sentinelhub:<name>`` (:data:`pulumi_zarr.api.config.NAMESPACE`).
PACKAGE = NAMESPACE
#: The resource's type token.
TOKEN = f"{PACKAGE}:index:ZarrCollection"


@cache
def wire_name(field: str) -> str:
    """``s3_bucket`` → ``s3Bucket`` (cached: each call converts every property's name)."""
    from pydantic.alias_generators import to_camel

    return to_camel(field)


@cache
def _fields() -> dict[str, str]:
    """Wire name → field name, for every input and output."""
    from ..collection.spec import INPUT_FIELDS, OUTPUT_FIELDS

    return {wire_name(field): field for field in (*INPUT_FIELDS, *OUTPUT_FIELDS)}


def field_name(wire: str) -> str:
    """``s3Bucket`` → ``s3_bucket``; a name that is no field's wire name is returned as it is
    (so a snake_case name, as a dynamic resource's state has it, stays itself)."""
    return _fields().get(wire, wire)


def is_wire_name(name: str) -> bool:
    return name in _fields()


@cache
def _snake_names() -> re.Pattern[str]:
    from ..collection.spec import PLACE_FIELDS  # also settings' names ("missing: client_id"): kept

    renamed = sorted(
        (f for w, f in _fields().items() if w != f and f not in PLACE_FIELDS),
        key=len,
        reverse=True,
    )
    return re.compile(r"\b(" + "|".join(map(re.escape, renamed)) + r")\b")


def wire_text(text: str) -> str:
    """A message with each field's snake_case name written as its wire name."""
    return _snake_names().sub(lambda m: wire_name(m.group(1)), text)
