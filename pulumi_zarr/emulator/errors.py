"""The service's error wrapper ``{"error": {status, reason, message, code}}``."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from ..api.models import Boom, ErrorBody

DEFAULT_CODES = {
    400: "COMMON_BAD_PAYLOAD",
    401: "COMMON_UNAUTHORIZED",
    403: "COMMON_INSUFFICIENT_PERMISSIONS",
    404: "COMMON_NOT_FOUND",
    405: "COMMON_METHOD_NOT_ALLOWED",
    413: "COMMON_BAD_PAYLOAD",
    415: "COMMON_UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMIT_EXCEEDED",
}


class ApiError(Exception):
    """Raised by handlers; rendered as the wrapper with ``status``."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message = status, message
        self.code = code or DEFAULT_CODES.get(status, "COMMON_EXCEPTION")
        self.headers = headers or {}


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_body(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    code = code or DEFAULT_CODES.get(status, "COMMON_EXCEPTION")
    return ErrorBody(
        error=Boom(status=status, reason=reason(status), message=message, code=code)
    ).to_wire()


def error_bytes(status: int, message: str, code: str | None = None) -> bytes:
    return json.dumps(error_body(status, message, code)).encode()
