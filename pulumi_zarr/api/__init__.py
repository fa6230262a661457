"""The Zarr Import API client: the configuration table, settings and profiles, the HTTP
transport, the models and the calls. Nothing here imports Pulumi (tests/unit/test_layers.py
checks it)."""
