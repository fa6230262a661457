"""Small helpers the tests share: unique names and latency percentiles."""

from __future__ import annotations

import math
import uuid


def unique(prefix: str) -> str:
    """``prefix`` with a random suffix, so tests sharing an emulator never collide."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def p99(values: list[float]) -> float:
    """The 99th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]
