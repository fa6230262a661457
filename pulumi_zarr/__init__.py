"""Pulumi dynamic provider for Sentinel Hub's Zarr Import API.

Importing the package is cheap: the provider host imports it when it unpickles the
provider, so pydantic, requests and the API models load on the first call that needs them.
"""

from .provider import ZarrCollectionProvider
from .resource import ZarrCollection, ZarrCollectionArgs

__all__ = ["ZarrCollection", "ZarrCollectionArgs", "ZarrCollectionProvider"]
__version__ = "0.1.0"
