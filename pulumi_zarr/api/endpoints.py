"""Paths of the Zarr Import API and of its token endpoint, the same on every deployment."""

from __future__ import annotations

TOKEN_PATH = "/auth/realms/main/protocol/openid-connect/token"
#: The path prefix the client uses unless configured otherwise.
DEFAULT_API_PREFIX = "/api/v1/zarr"
#: The API's other path prefix (the same operations).
ALTERNATE_API_PREFIX = "/zarr/v1"
#: The two path prefixes the API is known under (the emulator serves both).
API_PREFIXES = (DEFAULT_API_PREFIX, ALTERNATE_API_PREFIX)
