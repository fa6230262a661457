"""Property bags as the dynamic provider host hands them over: secrets and unknowns.

Secret inputs arrive wrapped (``{SIG: SECRET_SIG, "value": v}``); values not known during a
preview arrive as ``pulumi.output.Unknown`` (or the ``rpc.UNKNOWN`` sentinel).
"""

from __future__ import annotations

from typing import Any

from pulumi.output import Unknown
from pulumi.runtime import rpc

PROVIDER_KEY = "__provider"


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown) or value == rpc.UNKNOWN


def unwrap(props: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Plain values without ``__provider``, and the names of the properties that were secret."""
    plain: dict[str, Any] = {}
    secret: set[str] = set()
    for key, value in props.items():
        if key == PROVIDER_KEY:
            continue
        if rpc.is_rpc_secret(value):
            secret.add(key)
            value = rpc.unwrap_rpc_secret(value)
        plain[key] = value
    return plain, secret


def wrap(props: dict[str, Any], secret: set[str]) -> dict[str, Any]:
    """``props`` with the named properties marked secret again."""
    return {k: rpc.wrap_rpc_secret(v) if k in secret else v for k, v in props.items()}
