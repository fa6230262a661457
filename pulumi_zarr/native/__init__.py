"""The native ``sentinelhub`` provider: a Pulumi plugin (``pulumi-resource-sentinelhub``) serving
``sentinelhub:index:ZarrCollection`` to programs in any language, and its typed Python class.

* :mod:`.provider` — the plugin's calls → :class:`~pulumi_zarr.collection.calls.Operations`;
* :mod:`.__main__` — the console script the engine starts;
* :mod:`.package_schema` — the package schema, generated from the models (``schema.json``);
* :mod:`.names`, :mod:`.values`, :mod:`.config` — wire names, property values, configuration;
* :mod:`.resource` — :class:`NativeZarrCollection`, for Python programs.

Importing this package is as cheap as importing ``pulumi_zarr``: the plugin's modules load only
in the plugin.
"""

from .resource import NativeZarrCollection

__all__ = ["NativeZarrCollection"]
