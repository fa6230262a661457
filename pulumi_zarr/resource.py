"""The ZarrCollection resource as Pulumi programs use it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from .provider import ZarrCollectionProvider


@dataclass
class ZarrCollectionArgs:
    """Inputs of a :class:`ZarrCollection`. ``s3_bucket``, ``path`` and ``crs`` force a new
    collection when changed; ``name`` is renamed in place; changing ``reingest_trigger``
    re-ingests in place."""

    name: pulumi.Input[str]
    s3_bucket: pulumi.Input[str]
    path: pulumi.Input[str]
    crs: pulumi.Input[str]
    wait_for_ingestion: pulumi.Input[bool] | None = None
    ingestion_timeout_seconds: pulumi.Input[int] | None = None
    reingest_trigger: pulumi.Input[str] | None = None
    preflight: pulumi.Input[str] | None = None


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
        props: dict[str, Any] = {field: None for field in OUTPUT_FIELDS}
        props.update(given)
        super().__init__(ZarrCollectionProvider(), resource_name, props, opts)
