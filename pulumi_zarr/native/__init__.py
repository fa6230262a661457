"""The native ``sentinelhub`` provider: a Pulumi plugin (``pulumi-resource-sentinelhub``) serving
``sentinelhub:index:ZarrCollection`` to programs in any language, and its typed Python class
(:class:`NativeZarrCollection`). Importing this package is as cheap as importing
``pulumi_zarr``: the plugin's modules load only in the plugin.
"""

from .resource import NativeZarrCollection

__all__ = ["NativeZarrCollection"]
