"""The ``pulumi-zarr`` command line (``validate`` is tested with the preflight)."""
