"""Pulumi dynamic provider for Sentinel Hub's Zarr Import API.

Importing the package is cheap: the provider host imports it when it unpickles the
provider, so pydantic, requests and the API models load on the first call that needs them.
"""

from typing import TYPE_CHECKING

from .dynamic.lookup import get_zarr_collection
from .dynamic.provider import ZarrCollectionProvider
from .dynamic.resource import ZarrCollection, ZarrCollectionArgs, ZarrCollectionArgsDict

__all__ = [
    "ZarrCollection",
    "ZarrCollectionArgs",
    "ZarrCollectionArgsDict",
    "ZarrCollectionProvider",
    "__version__",
    "get_zarr_collection",
]

if TYPE_CHECKING:
    __version__: str
else:

    def __getattr__(name: str) -> str:
        """``__version__``: the installed distribution's (pyproject.toml keeps it), read on
        first use so that importing the package stays cheap."""
        if name != "__version__":
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("pulumi-zarr")
        except PackageNotFoundError:  # a source tree that was never installed
            found = "unknown"
        globals()["__version__"] = found
        return found
