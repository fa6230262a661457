"""The ``preflight`` input's policy: which findings fail ``check``, which are only warnings.

Kept apart from running the check (:func:`.check.collection_findings`), so a provider decides
where warnings go.
"""

from __future__ import annotations

from collections.abc import Callable

from .check import Findings


class PreflightReporter:
    """Mode ``"error"``: every finding is a reason for ``check`` to fail. Mode ``"warn"``:
    findings are warnings, and an unreadable store is warned about once per location (``check``
    runs on every preview)."""

    def __init__(self, warn: Callable[[str], None]) -> None:
        self._warn = warn
        self._unreadable_warned: set[str] = set()

    def failures(self, mode: str, findings: Findings) -> list[str]:
        """The reasons ``check`` must fail; warnings go to ``warn``. What could not be checked
        (``findings.warnings``) is a warning in both modes."""
        for line in findings.warnings:
            self._warn(line)
        if mode == "error":
            return list(findings.lines)
        if not findings.readable:
            if findings.location in self._unreadable_warned:
                return []
            self._unreadable_warned.add(findings.location)
        for line in findings.lines:
            self._warn(line)
        return []
