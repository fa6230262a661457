"""The ZarrCollection resource as Pulumi programs use it."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from .provider import ZarrCollectionProvider


@dataclass
class ZarrCollectionArgs:
    """Inputs of a :class:`ZarrCollection`. ``s3_bucket``, ``path`` and ``crs`` force a new
    collection when changed; ``name`` is renamed in place; changing ``reingest_trigger``
    re-ingests in place. ``import_id`` adopts that existing collection instead of creating
    one (read only when the resource is created)."""

    name: pulumi.Input[str]
    s3_bucket: pulumi.Input[str]
    path: pulumi.Input[str]
    crs: pulumi.Input[str]
    wait_for_ingestion: pulumi.Input[bool] | None = None
    ingestion_timeout_seconds: pulumi.Input[int] | None = None
    reingest_trigger: pulumi.Input[str] | None = None
    preflight: pulumi.Input[str] | None = None
    import_id: pulumi.Input[str] | None = None


@contextmanager
def _pickler_restored() -> Iterator[None]:
    """Undo what the SDK's ``serialize_provider`` leaves behind on ``pickle._Pickler``.

    Each call wraps ``_batch_setitems`` once more and never restores it (SDK 3.272), so the
    wrapper chain grows by one per dynamic resource until pickling raises ``RecursionError``
    (near 960 resources in one program).
    """
    saved = {name: getattr(pickle._Pickler, name) for name in ("_batch_setitems", "save_dict")}
    try:
        yield
    finally:
        for name, method in saved.items():
            setattr(pickle._Pickler, name, method)


class ZarrCollection(pulumi.dynamic.Resource, module="sentinelhub", name="ZarrCollection"):
    """A Sentinel Hub Zarr collection, ingested from a Zarr group in an S3 bucket."""

    name: pulumi.Output[str]
    s3_bucket: pulumi.Output[str]
    path: pulumi.Output[str]
    crs: pulumi.Output[str]
    wait_for_ingestion: pulumi.Output[bool]
    ingestion_timeout_seconds: pulumi.Output[int]
    reingest_trigger: pulumi.Output[str | None]
    preflight: pulumi.Output[str | None]
    import_id: pulumi.Output[str | None]
    status: pulumi.Output[str]
    ingestion_errors: pulumi.Output[str | None]
    array_names: pulumi.Output[list[str]]
    envelope: pulumi.Output[dict[str, Any] | None]
    width: pulumi.Output[int | float | None]
    height: pulumi.Output[int | float | None]
    created: pulumi.Output[str | None]
    bands: pulumi.Output[dict[str, dict[str, Any]] | None]
    max_meters_per_pixel: pulumi.Output[float | None]
    data_type: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        args: ZarrCollectionArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """``ZarrCollection(name, ZarrCollectionArgs(...))`` or with the inputs as keywords."""
        from .schema import INPUT_FIELDS, OUTPUT_FIELDS  # pydantic: not at import time

        given = {k: v for k, v in asdict(args).items() if v is not None} if args else {}
        unknown = set(kwargs) - set(INPUT_FIELDS)
        if unknown:
            raise TypeError(
                f"ZarrCollection got unexpected input(s) {', '.join(sorted(unknown))}; "
                f"inputs are {', '.join(INPUT_FIELDS)}"
            )
        given.update({k: v for k, v in kwargs.items() if v is not None})
        # Every field, given or not, is declared so that it resolves as an output (`.name`
        # on a `get` reference too); None values are not sent as inputs.
        props: dict[str, Any] = {field: None for field in (*INPUT_FIELDS, *OUTPUT_FIELDS)}
        props.update(given)
        with _pickler_restored():
            super().__init__(ZarrCollectionProvider(), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> ZarrCollection:
        """A read-only reference to the existing collection ``id``: every output is read from
        the service; Pulumi never changes or deletes it."""
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        return ZarrCollection(resource_name, opts=merged)
