"""Text from a service or a bucket made safe to show on a terminal.

A collection name, an ingestion error or an array name can carry escape sequences (retitle the
window, clear the screen, recolour a forged "all good") or bidi overrides that reorder what is
read. :func:`printable` shows each such character as a visible escape (``\\x1b``, ``\\u202e``,
``\\n``), as the Pulumi CLI does for its own output; every other character is kept.
"""

from __future__ import annotations

import re

#: C0 controls (newline and tab too: one message, one line), DEL and C1 controls; the Unicode
#: Bidi_Control characters and the line/paragraph separators; lone surrogates (undecodable
#: bytes from a command line).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)

_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _SHORT.get(char) or (f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")


def printable(text: str) -> str:
    """``text`` with every control, bidi-control and separator character shown escaped."""
    return _UNSAFE.sub(_escape, text)


def unsafe_characters(text: str) -> list[str]:
    """The characters of ``text`` that :func:`printable` escapes, escaped (none: empty)."""
    return [_escape(m) for m in _UNSAFE.finditer(text)]
