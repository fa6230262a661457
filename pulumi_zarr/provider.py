"""Where every dynamic stack's state finds its provider: ``__provider`` is the pickled
``pulumi_zarr.provider.ZarrCollectionProvider`` (by reference), so this path stays importable."""

from .dynamic.provider import ZarrCollectionProvider as ZarrCollectionProvider
