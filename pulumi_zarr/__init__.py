"""Pulumi dynamic provider for Sentinel Hub's Zarr Import API.

Importing the package is cheap: the provider host imports it when it unpickles the
provider, so pydantic, requests and the API models load on the first call that needs them.
"""

from typing import TYPE_CHECKING

from .dynamic.lookup import get_zarr_collection
from .dynamic.provider import ZarrCollectionProvider
from .dynamic.resource import ZarrCollection, ZarrCollectionArgs, ZarrCollectionArgsDict

__all__ = [
    "BucketPolicyError",
    "ZarrCollection",
    "ZarrCollectionArgs",
    "ZarrCollectionArgsDict",
    "ZarrCollectionProvider",
    "__version__",
    "bucket_policy",
    "bucket_policy_document",
    "get_zarr_collection",
    "stack_deployment",
]

#: Names imported on first use (the provider host imports the package; it needs none of them).
_LAZY = {
    name: ".dynamic.bucket_policy"
    for name in ("BucketPolicyError", "bucket_policy", "bucket_policy_document", "stack_deployment")
}

if TYPE_CHECKING:
    from .dynamic.bucket_policy import (
        BucketPolicyError,
        bucket_policy,
        bucket_policy_document,
        stack_deployment,
    )

    __version__: str
else:

    def __getattr__(name: str) -> object:
        """``__version__``: the installed distribution's (pyproject.toml keeps it), read on
        first use so that importing the package stays cheap; the bucket-policy functions,
        imported on first use."""
        if name in _LAZY:
            from importlib import import_module

            found_attr = getattr(import_module(_LAZY[name], __name__), name)
            globals()[name] = found_attr
            return found_attr
        if name != "__version__":
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("pulumi-zarr")
        except PackageNotFoundError:  # a source tree that was never installed
            found = "unknown"
        globals()["__version__"] = found
        return found
