"""Property bags as the dynamic provider host hands them over: secrets and ``__provider``.

Secret inputs arrive wrapped (``{SIG: SECRET_SIG, "value": v}``); values not known during a
preview are recognized by :func:`pulumi_zarr.collection.unknown.is_unknown`. The native
plugin reads :data:`PROVIDER_KEY` to recognize a state the dynamic resource wrote.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pulumi.runtime import rpc

PROVIDER_KEY = "__provider"


class Unwrapped(NamedTuple):
    values: dict[str, Any]
    #: the names of the properties that were secret
    secret: set[str]


def unwrap(props: dict[str, Any]) -> Unwrapped:
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
    return Unwrapped(plain, secret)


def wrap(props: dict[str, Any], secret: set[str]) -> dict[str, Any]:
    """``props`` with the named properties marked secret again."""
    return {k: rpc.wrap_rpc_secret(v) if k in secret else v for k, v in props.items()}
