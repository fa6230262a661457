"""Pulumi dynamic provider for Sentinel Hub's Zarr Import API."""

from .provider import ZarrCollectionProvider
from .resource import ZarrCollection, ZarrCollectionArgs

__all__ = ["ZarrCollection", "ZarrCollectionArgs", "ZarrCollectionProvider"]
__version__ = "0.1.0"
