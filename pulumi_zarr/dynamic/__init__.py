"""The dynamic provider surface: the ``ZarrCollection`` resource class, its provider (the
dynamic provider host runs it), property bags, ``get_zarr_collection`` and import files."""
