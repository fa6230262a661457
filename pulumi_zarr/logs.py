"""Where the provider's own log lines go: progress while waiting, and HTTP debug lines.

* Progress (INFO on :data:`progress_log`) is forwarded to Pulumi's log by the provider.
* With ``PULUMI_ZARR_DEBUG_HTTP=1`` in the environment of ``pulumi`` (the provider host
  inherits it), every HTTP request and the libraries' DEBUG records go to the host's stderr,
  which the CLI shows; secrets and tokens are masked (:mod:`pulumi_zarr.redaction`).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping

DEBUG_HTTP_VARIABLE = "PULUMI_ZARR_DEBUG_HTTP"
#: The loggers whose DEBUG records the switch shows: ours, the HTTP stack and OAuth.
DEBUG_LOGGERS = ("pulumi_zarr", "urllib3", "requests_oauthlib", "oauthlib")

progress_log = logging.getLogger("pulumi_zarr.progress")


class _Forward(logging.Handler):
    def __init__(self, write: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self.write = write

    def emit(self, record: logging.LogRecord) -> None:
        self.write(self.format(record))


def forward_progress(write: Callable[[str], None]) -> None:
    """Send progress lines to ``write`` (once per process; later calls change nothing)."""
    if not any(isinstance(h, _Forward) for h in progress_log.handlers):
        progress_log.addHandler(_Forward(write))
        progress_log.setLevel(logging.INFO)
        progress_log.propagate = False


class _DebugToStderr(logging.StreamHandler):  # type: ignore[type-arg]
    def __init__(self) -> None:
        from .redaction import RedactingFilter

        super().__init__(sys.stderr)
        self.addFilter(RedactingFilter())
        self.setFormatter(logging.Formatter("debug: %(name)s: %(message)s"))


def debug_http_from_environment(env: Mapping[str, str] = os.environ) -> bool:
    """With the debug switch set, show the DEBUG records of :data:`DEBUG_LOGGERS` on stderr,
    redacted. Returns whether the switch is on."""
    if env.get(DEBUG_HTTP_VARIABLE, "").lower() not in ("1", "true", "yes"):
        return False
    handler = _DebugToStderr()
    for name in DEBUG_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(h, _DebugToStderr) for h in logger.handlers):
            logger.addHandler(handler)
            logger.setLevel(logging.DEBUG)
    return True
