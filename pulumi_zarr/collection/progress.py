"""Where the provider's own log lines go: progress while waiting, and HTTP debug lines.

* Progress (INFO on :data:`progress_log`) is forwarded to Pulumi's log by the provider.
* With ``PULUMI_ZARR_DEBUG_HTTP=1`` in the environment of ``pulumi`` (the provider inherits
  it), every HTTP request and the libraries' DEBUG records go where the provider sends them
  (the dynamic host: its stderr, which the CLI shows; the native plugin: the engine's log);
  secrets and tokens are masked (:mod:`pulumi_zarr.api.redaction`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable, Mapping

DEBUG_HTTP_VARIABLE = "PULUMI_ZARR_DEBUG_HTTP"
#: The loggers whose DEBUG records the switch shows: ours, the HTTP stack and OAuth (oauthlib's
#: client side logs nothing; requests-oauthlib logs the token flow).
DEBUG_LOGGERS = ("pulumi_zarr", "urllib3", "requests_oauthlib")

progress_log = logging.getLogger("pulumi_zarr.progress")


class _Lines(logging.Handler):
    """Formatted records to ``write``. A line that cannot be written is lost, and nothing
    else: the operation that logged it goes on (e.g. a provider whose stderr's reader died)."""

    def __init__(self, write: Callable[[str], None], level: int) -> None:
        super().__init__(level)
        self.write = write

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.write(self.format(record))
        except Exception:
            self.handleError(record)  # which itself ignores an OSError writing to stderr


class _Forward(_Lines):
    def __init__(self, write: Callable[[str], None]) -> None:
        super().__init__(write, logging.INFO)


def forward_progress(write: Callable[[str], None]) -> None:
    """Send progress lines to ``write`` (once per process; later calls change nothing)."""
    if not any(isinstance(h, _Forward) for h in progress_log.handlers):
        progress_log.addHandler(_Forward(write))
        progress_log.setLevel(logging.INFO)
        progress_log.propagate = False


def to_stderr(line: str) -> None:
    """``line`` on stderr; lost when stderr cannot take it (its reader may be gone)."""
    with contextlib.suppress(OSError):
        print(line, file=sys.stderr, flush=True)


class _DebugLines(_Lines):
    """Redacted ``debug: <logger>: <message>`` lines to ``write`` (default: stderr)."""

    def __init__(self, write: Callable[[str], None] | None = None) -> None:
        from ..api.redaction import RedactingFilter

        super().__init__(write or to_stderr, logging.DEBUG)
        self.addFilter(RedactingFilter())
        self.setFormatter(logging.Formatter("debug: %(name)s: %(message)s"))


def debug_http_from_environment(
    env: Mapping[str, str] = os.environ, write: Callable[[str], None] | None = None
) -> bool:
    """With the debug switch set, send the DEBUG records of :data:`DEBUG_LOGGERS`, redacted, to
    ``write`` (default: stderr; once per process). Returns whether the switch is on."""
    if env.get(DEBUG_HTTP_VARIABLE, "").lower() not in ("1", "true", "yes"):
        return False
    handler = _DebugLines(write)
    for name in DEBUG_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(h, _DebugLines) for h in logger.handlers):
            logger.addHandler(handler)
            logger.setLevel(logging.DEBUG)
    return True
