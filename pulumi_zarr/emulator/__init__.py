"""Local emulator of Sentinel Hub's Zarr Import API (optional extra ``pulumi-zarr[emulator]``).

Import the pieces from their modules (``pulumi_zarr.emulator.server.Emulator``,
``pulumi_zarr.emulator.samples.write_cube``); this package module stays import-light.
"""
