"""Look an existing collection up from a program: the equivalent of a Terraform data source.

Runs in the program's process (at preview too), with the stack's ``sentinelhub:*`` config
(the profile included) or the ``SH_*`` environment, like the provider. The result holds what a
ZarrCollection exposes (its id, the inputs the service stores and every output), never a
credential.
"""

from __future__ import annotations

import os
from typing import Any

from pulumi import RunError

from ..errors import PulumiZarrError, ZarrCollectionError


class LookupFailed(ZarrCollectionError, RunError):
    """No collection matched, several did, or the service could not be asked. A ``RunError``
    too, so that Pulumi ends the program with this message alone, without a traceback."""


def _stack_config() -> dict[str, Any]:
    from pulumi.runtime.config import get_config

    from ..api.config import Reader, stack_keys

    # get_config reads secret values too (plainly, without the SDK's warning): they only
    # reach the HTTP client, never the result
    return {key: get_config(key) for key in stack_keys(Reader.LOOKUP)}


def get_zarr_collection(*, name: str | None = None, id: str | None = None) -> dict[str, Any]:
    """The collection with this ``id``, or the one collection named ``name`` exactly.

    Returns ``{"id", "name", "s3_bucket", "path", "crs", "status", "array_names", …}``. Raises
    :class:`LookupFailed` when there is none, when several collections have the name, or when
    the service cannot be asked (its message says which).
    """
    if (name is None) == (id is None):
        raise TypeError("get_zarr_collection takes exactly one of name= or id=")
    try:
        return _lookup(name, id)
    except PulumiZarrError as exc:
        raise LookupFailed(str(exc)) from None


def _lookup(name: str | None, id: str | None) -> dict[str, Any]:
    from ..api.client import shared_client
    from ..api.settings import Settings
    from ..collection import queries

    client = shared_client(Settings.resolve(_stack_config(), os.environ))
    args, failures = queries.check_args(
        queries.GetCollectionArgs, "get_zarr_collection", {"id": id, "name": name}
    )
    if failures:
        raise ZarrCollectionError("; ".join(f.reason for f in failures))
    assert isinstance(args, queries.GetCollectionArgs)
    return queries.get_collection(client, args, "get_zarr_collection(id=...)")
