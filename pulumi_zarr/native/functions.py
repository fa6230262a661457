"""The package's functions (data sources), declared once: token, arguments, result, what runs.

The plugin's ``Invoke`` serves them (:meth:`NativeProvider.invoke`) and the package schema
lists them; the collection look-ups are :mod:`pulumi_zarr.collection.queries` (shared with the
Python ``get_zarr_collection``), the bucket policy is :mod:`pulumi_zarr.bucket.policy`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from ..collection import queries
from ..collection.calls import Operations
from .names import PACKAGE, wire_name


class BucketPolicyArgs(BaseModel):
    """The bucket policy that lets a deployment read a bucket."""

    model_config = ConfigDict(extra="forbid")

    bucket: str = Field(description="The bucket's name.")
    deployment: str | None = Field(
        None,
        description="sentinel-hub-eu, sentinel-hub-us-west or cdse (default: the provider's: "
        "sentinelhub:deployment, else its base URL's).",
    )
    existing: str | None = Field(
        None,
        description="A policy document (JSON) to merge into: its statements are kept, a "
        "statement with our Sid is replaced in place.",
    )
    profile: str | None = Field(
        None, description="A sentinelhub-py profile whose deployment applies (default: none)."
    )


class BucketPolicyResult(BaseModel):
    json_text: str = Field(
        alias="json", description="The policy document as the JSON an S3 bucket policy takes."
    )
    document: dict[str, Any] = Field(description="The same document as an object.")
    deployment: str = Field(description="The deployment it lets read the bucket.")
    principal: str = Field(description="The principal that deployment reads buckets as.")
    regions: list[str] = Field(description="Where the deployment's buckets must be.")


def bucket_policy(ops: Operations, args: BucketPolicyArgs) -> dict[str, Any]:
    from ..api.settings import deployment_of, resolve_deployment
    from ..bucket.policy import document, render
    from ..errors import ConfigurationError

    if args.deployment is not None:
        deployment = deployment_of(args.deployment, "")
    else:
        deployment = resolve_deployment(ops.config, os.environ, args.profile)
    try:
        policy = document(args.bucket, deployment, args.existing)
    except ValueError as exc:
        raise ConfigurationError(f"existing: {exc}") from None
    return {
        "json": render(policy),
        "document": policy,
        "deployment": deployment.name,
        "principal": deployment.principal,
        "regions": list(deployment.regions),
    }


def _collection(ops: Operations, args: queries.GetCollectionArgs) -> dict[str, Any]:
    return queries.get_collection(ops.client({}), args, "getZarrCollection with id")


def _collections(ops: Operations, args: queries.ListCollectionsArgs) -> dict[str, Any]:
    listed = queries.list_collections(ops.client({}), args)
    # the items' keys are wire names too (the results' own objects keep theirs)
    listed["collections"] = [
        {wire_name(k): v for k, v in item.items()} for item in listed["collections"]
    ]
    return listed


def _array(ops: Operations, args: queries.GetArrayArgs) -> dict[str, Any]:
    return queries.get_array(ops.client({}), args)


class Function(NamedTuple):
    token: str
    name: str
    args: type[BaseModel]
    #: the result's properties: a model, or "collection" (what a ZarrCollection exposes)
    result: type[BaseModel] | str
    run: Callable[[Operations, Any], dict[str, Any]]

    @property
    def description(self) -> str:
        return (self.args.__doc__ or "").strip()


def _function(name: str, args: type[BaseModel], result: Any, run: Any) -> Function:
    return Function(f"{PACKAGE}:index:{name}", name, args, result, run)


FUNCTIONS: tuple[Function, ...] = (
    _function("getZarrCollection", queries.GetCollectionArgs, "collection", _collection),
    _function(
        "getZarrCollections", queries.ListCollectionsArgs, queries.CollectionList, _collections
    ),
    _function("getZarrArray", queries.GetArrayArgs, queries.ArrayResult, _array),
    _function("getBucketPolicy", BucketPolicyArgs, BucketPolicyResult, bucket_policy),
)
BY_TOKEN: dict[str, Function] = {f.token: f for f in FUNCTIONS}


def arg_names(function: Function) -> dict[str, str]:
    """Wire name → field name of ``function``'s arguments."""
    return {wire_name(field): field for field in function.args.model_fields}


def from_wire_args(function: Function, args: Mapping[str, Any]) -> dict[str, Any]:
    """Plain arguments by field name (an unknown name is kept, for the check to name it);
    nulls are unset."""
    names = arg_names(function)
    return {names.get(k, k): v for k, v in args.items() if v is not None}
