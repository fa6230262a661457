"""Look-ups on the service, the data sources of both surfaces: one collection (by id or exact
name), every collection (all pages, optionally one name), one array of a collection.

Their arguments are pydantic models checked with the resource's wording (:func:`check_args`);
the Python ``get_zarr_collection`` and the native plugin's functions both call these. Results are
plain snake_case dicts and never hold a credential.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..api.client import ZarrClient
from ..api.models import COLLECTION_ID_TEXT, Collection, is_collection_id
from ..errors import NotFound, ZarrCollectionError, no_collection
from .spec import OUTPUT_FIELDS, SERVICE_FIELDS, InputFailure, reason


def _collection_id(value: str | None, field: str) -> str | None:
    if value is not None and not is_collection_id(value):
        raise ValueError(f"{field} must be a collection id ({COLLECTION_ID_TEXT}), not {value!r}")
    return value


class GetCollectionArgs(BaseModel):
    """The collection with this ``id``, or the one collection named ``name`` exactly."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, description="The collection's id. Give this or `name`.")
    name: str | None = Field(
        None, description="The collection's exact name; exactly one collection may have it."
    )

    @field_validator("id")
    @classmethod
    def _id_rule(cls, value: str | None) -> str | None:
        return _collection_id(value, "id")


class ListCollectionsArgs(BaseModel):
    """Every collection of the account (all pages), optionally only those named ``name``."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(
        None, description="Only the collections named exactly this (default: all)."
    )


class GetArrayArgs(BaseModel):
    """One ingested array of a collection, by name."""

    model_config = ConfigDict(extra="forbid")

    collection_id: str = Field(description="The id of the collection the array belongs to.")
    name: str = Field(description="The array's name (one of the collection's `arrayNames`).")

    @field_validator("collection_id")
    @classmethod
    def _id_rule(cls, value: str) -> str:
        _collection_id(value, "collection_id")
        return value


class CollectionSummary(BaseModel):
    """One collection of a listing."""

    id: str = Field(description="The collection's id.")
    name: str = Field(description="The collection's name.")
    s3_bucket: str = Field(description="The bucket holding the Zarr store.")
    path: str = Field(description="The Zarr store's path in the bucket.")
    crs: str = Field(description="The CRS of the data, as an opengis URL.")
    status: str = Field(description="Ingestion status: CREATED, INGESTING, INGESTED or FAILED.")
    created: str | None = Field(None, description="When the collection was created (ISO 8601).")
    data_type: str = Field(
        description="`zarr-<id>`: the `input.data.type` of Process API requests."
    )

    @classmethod
    def of(cls, collection: Collection) -> CollectionSummary:
        return cls(
            **{f: getattr(collection, f) for f in ("id", *SERVICE_FIELDS, "created")},
            status=collection.status.value,
            data_type=f"zarr-{collection.id}",
        )


class CollectionList(BaseModel):
    collections: list[CollectionSummary] = Field(
        description="The collections, in the service's order."
    )
    ids: list[str] = Field(description="Their ids, in the same order.")


class ArrayResult(BaseModel):
    """One ingested array."""

    collection_id: str = Field(description="The id of its collection.")
    name: str = Field(description="The array's name.")
    s3_bucket: str = Field(description="The bucket holding it.")
    path: str = Field(description="Its path in the bucket.")
    zarray: dict[str, Any] = Field(description="Its `.zarray` metadata: shape, chunks, dtype, …")
    zattrs: dict[str, Any] | None = Field(None, description="Its `.zattrs`, if it has any.")


def check_args(
    model: type[BaseModel], owner: str, args: Mapping[str, Any]
) -> tuple[BaseModel | None, list[InputFailure]]:
    """``args`` parsed by ``model``, or one failure per bad argument, worded as the resource's
    check failures (``owner``: the function's name in them)."""
    try:
        return model.model_validate(dict(args)), []
    except ValidationError as exc:
        allowed = tuple(model.model_fields)
        return None, [
            InputFailure(
                str(err["loc"][0]) if err["loc"] else "",
                reason(
                    str(err["loc"][0]) if err["loc"] else owner,
                    err["msg"],
                    owner,
                    "argument",
                    allowed,
                ),
            )
            for err in exc.errors()
        ]


def collection_result(client: ZarrClient, collection_id: str) -> dict[str, Any]:
    """What a ZarrCollection exposes about ``collection_id``: its id, the inputs the service
    stores and every output."""
    from . import lifecycle

    found = lifecycle.read(client, collection_id, {})
    if found is None:
        raise ZarrCollectionError(no_collection(collection_id))
    _, outputs = found
    return {"id": collection_id, **{k: outputs[k] for k in (*SERVICE_FIELDS, *OUTPUT_FIELDS)}}


def get_collection(client: ZarrClient, args: GetCollectionArgs, how: str) -> dict[str, Any]:
    """The collection ``args`` name (exactly one of id and name; ``how``: how to call the
    look-up by id, for the message about namesakes)."""
    from . import lifecycle

    if (args.id is None) == (args.name is None):
        raise ZarrCollectionError("give exactly one of id and name")
    collection_id = args.id or lifecycle.find_by_name(client, args.name or "", how).id
    return collection_result(client, collection_id)


def list_collections(client: ZarrClient, args: ListCollectionsArgs) -> dict[str, Any]:
    found = [
        CollectionSummary.of(c)
        for c in client.list_collections(search=args.name)
        if args.name is None or c.name == args.name
    ]
    return CollectionList(collections=found, ids=[c.id for c in found]).model_dump(mode="json")


def get_array(client: ZarrClient, args: GetArrayArgs) -> dict[str, Any]:
    try:
        array = client.get_array(args.collection_id, args.name)
    except NotFound:
        try:
            collection = client.get(args.collection_id)
        except NotFound:
            raise ZarrCollectionError(no_collection(args.collection_id)) from None
        from .lifecycle import array_names

        names = array_names(client, collection)
        has = (
            f"its arrays: {', '.join(names)}"
            if names
            else f"it has none ({collection.status.value})"
        )
        raise ZarrCollectionError(
            f"collection {args.collection_id} has no array named {args.name!r}; {has}"
        ) from None
    return ArrayResult(
        collection_id=args.collection_id,
        name=array.name,
        s3_bucket=array.s3_bucket,
        path=array.path,
        zarray=array.zarray,
        zattrs=array.zattrs,
    ).model_dump(mode="json")
