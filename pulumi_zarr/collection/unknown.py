"""Values not known during a preview: the resource core's one contact with Pulumi.

The dynamic provider host hands them over as ``pulumi.output.Unknown`` (or the
``rpc.UNKNOWN`` sentinel); the native plugin decodes its unknowns to the same sentinel.
"""

from __future__ import annotations

from typing import Any

from pulumi.output import Unknown
from pulumi.runtime import rpc


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown) or value == rpc.UNKNOWN
