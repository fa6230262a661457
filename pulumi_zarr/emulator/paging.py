"""Token-based paging: a viewtoken carries the last stable sort key seen, never an offset."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from starlette.requests import Request

from ..api.models import PAGE_LIMIT, Links
from .errors import ApiError


def parse_count(request: Request) -> int:
    """``count``: default and maximum :data:`PAGE_LIMIT`; larger values are clamped."""
    raw = request.query_params.get("count")
    if raw is None:
        return PAGE_LIMIT
    try:
        count = int(raw)
    except ValueError:
        raise ApiError(400, f"count: must be an integer, got {raw!r}") from None
    if count < 1:
        raise ApiError(400, f"count: must be at least 1, got {count}")
    return min(count, PAGE_LIMIT)


def encode(kind: str, after: Any) -> str:
    raw = json.dumps({"k": kind, "a": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode(kind: str, request: Request) -> Any:
    """The position a request's ``viewtoken`` points after (None: the first page)."""
    token = request.query_params.get("viewtoken")
    if token is None or token == "":
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(data, dict) or data.get("k") != kind:
            raise ValueError
        return data["a"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ApiError(400, "viewtoken: invalid or not from this listing") from None


def links(request: Request, kind: str, after: Any, next_after: Any | None) -> Links:
    """This page's links; ``next_after`` is the key after which the next page starts."""
    current = encode(kind, after)
    out = Links(current_token=current, id=str(request.url))
    if next_after is not None:
        token = encode(kind, next_after)
        out.next_token = token
        out.next = str(request.url.include_query_params(viewtoken=token))
    return out
