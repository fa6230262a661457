"""The ZarrCollection resource as Pulumi programs use it.

The dynamic resource runs under its own provider resource, ``pulumi:providers:pulumi-python``
named :data:`PROVIDER_NAME`, whose inputs are the ``sentinelhub:*`` stack configuration with
the client secret marked secret: the engine's default provider would store the whole stack
configuration, a secret set without ``--secret`` in clear (README: Secrets).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar, overload

import pulumi
import pulumi.dynamic

from ..collection.calls import config_keys, secret_config_keys
from ._generated import TypedOutputs, ZarrCollectionArgs, ZarrCollectionArgsDict
from .provider import ZarrCollectionProvider

if TYPE_CHECKING:
    from typing_extensions import Unpack


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


_R = TypeVar("_R", bound="ZarrCollectionBase")


class ZarrCollectionBase(TypedOutputs):
    """The base of both resource classes, dynamic and native: the typed outputs (generated from
    the spec) and the typed constructor."""

    @overload
    def __init__(
        self,
        resource_name: str,
        args: ZarrCollectionArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        *,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Unpack[ZarrCollectionArgsDict],
    ) -> None: ...

    def __init__(
        self,
        resource_name: str,
        args: ZarrCollectionArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """``Cls(name, ZarrCollectionArgs(...))`` or with the inputs as keywords (typed by
        :class:`ZarrCollectionArgsDict`)."""
        self._register(resource_name, resource_properties(type(self).__name__, args, kwargs), opts)

    def _register(
        self, resource_name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None
    ) -> None:
        """Register the resource with the engine (each resource class its own way)."""
        raise NotImplementedError

    @classmethod
    def get(
        cls: type[_R],
        resource_name: str,
        id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> _R:
        """A read-only reference to the existing collection ``id``: every output is read from
        the service; Pulumi never changes or deletes it."""
        merged = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        # no inputs: each is read from the service
        reference: _R = cls(resource_name, opts=merged)  # type: ignore[call-overload]
        return reference


def resource_properties(
    kind: str, args: ZarrCollectionArgs | None, kwargs: dict[str, Any]
) -> dict[str, Any]:
    """The property map a resource class registers: the inputs given (as ``args`` or keywords)
    and every other input and output as None, so that each resolves as an output (``.name`` on
    a ``get`` reference too); None values are not sent as inputs. ``kind``: the class's name,
    for the error about an unknown keyword."""
    from ..collection.spec import INPUT_FIELDS, OUTPUT_FIELDS  # pydantic: not at import time

    # shallow: asdict deep-copies values, and an Output refuses to be copied outside
    # serialization (an input from another resource, e.g. an aws.s3.Bucket's name)
    values = {f.name: getattr(args, f.name) for f in fields(args)} if args else {}
    given = {k: v for k, v in values.items() if v is not None}
    unknown = set(kwargs) - set(INPUT_FIELDS)
    if unknown:
        raise TypeError(
            f"{kind} got unexpected input(s) {', '.join(sorted(unknown))}; "
            f"inputs are {', '.join(INPUT_FIELDS)}"
        )
    given.update({k: v for k, v in kwargs.items() if v is not None})
    props: dict[str, Any] = {field: None for field in (*INPUT_FIELDS, *OUTPUT_FIELDS)}
    props.update(given)
    return props


#: The name of the provider resource every dynamic ZarrCollection of a program runs under.
PROVIDER_NAME = "pulumi-zarr"
_providers: list[tuple[Any, pulumi.ProviderResource]] = []  # (the runtime's monitor, provider)


def dynamic_provider() -> pulumi.ProviderResource:
    """The program's provider of dynamic ZarrCollections, made on first use: its inputs (which
    the dynamic host hands to ``configure``) are the ``sentinelhub:*`` stack configuration,
    every secret setting wrapped as a secret however it was set."""
    monitor = pulumi.runtime.settings.get_monitor()
    for owner, provider in _providers:
        if owner is monitor:
            return provider
    secret = secret_config_keys()
    config: dict[str, Any] = {}
    for key in config_keys():
        value = pulumi.runtime.config.get_config(key)
        if value is not None:
            config[key] = pulumi.Output.secret(value) if key in secret else value
    provider = pulumi.ProviderResource("pulumi-python", PROVIDER_NAME, config)
    _providers[:] = [(monitor, provider)]  # a new runtime (tests) forgets the old one
    return provider


class ZarrCollection(
    ZarrCollectionBase, pulumi.dynamic.Resource, module="sentinelhub", name="ZarrCollection"
):
    """A Sentinel Hub Zarr collection, ingested from a Zarr group in an S3 bucket."""

    def _register(
        self, resource_name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None
    ) -> None:
        if opts is None or opts.provider is None:
            opts = pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(provider=dynamic_provider())
            )
        with _pickler_restored():
            pulumi.dynamic.Resource.__init__(
                self, ZarrCollectionProvider(), resource_name, props, opts
            )


#: The type token of the dynamic ZarrCollection, as every dynamic stack's state holds it.
TYPE_TOKEN = f"pulumi-python:{ZarrCollection._resource_type_name}"
