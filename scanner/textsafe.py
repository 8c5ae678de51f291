"""Making attacker-controlled text (tags, names, descriptions, CloudTrail fields) safe to print
on a terminal and to paste into a shell. The one definition of "control character" that every
sink uses (terminal lines, report.md, command lines)."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable
from typing import Any

# Code points that move the cursor, change a terminal's state or reorder what is shown: the C0
# controls (ESC starts ANSI/OSC sequences, CR rewrites the line), DEL, the C1 controls (0x9b
# is a one-byte CSI to some terminals), the Unicode line and paragraph separators, and the
# bidirectional embedding, override and isolate controls ("Trojan Source").
CONTROL_POINTS: frozenset[int] = frozenset(
    [
        *range(0x20),
        0x7F,
        *range(0x80, 0xA0),
        0x2028,
        0x2029,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
)
_CONTROL_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(CONTROL_POINTS)) + "]")


def _shown(point: int) -> str:
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


_ESCAPED = {point: _shown(point) for point in CONTROL_POINTS}
_ONE_LINE = {p: e for p, e in _ESCAPED.items() if p != 0x09}  # a tab is harmless on a line
_BLOCK = {p: e for p, e in _ESCAPED.items() if p not in (0x09, 0x0A)}


def has_control(text: str) -> bool:
    """Whether ``text`` holds any character of ``CONTROL_POINTS``."""
    return _CONTROL_RE.search(text) is not None


def printable_block(text: str) -> str:
    """Multi-line text with every control character but newline and tab shown escaped
    (``\\x1b``); a Windows line end counts as a newline."""
    text = text.replace("\r\n", "\n")
    return text.translate(_BLOCK) if has_control(text) else text


def one_line(value: Any, limit: int = 200) -> str:
    """A value as one printable line: control characters (terminal escapes, newlines) are
    shown escaped, long values are cut."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    text = text.translate(_ONE_LINE)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ansi_c(char: str) -> str:
    if char in "\\'":
        return "\\" + char
    point = ord(char)
    if point not in CONTROL_POINTS:
        return char
    return f"\\x{point:02x}" if point < 0x80 else f"\\u{point:04x}"


def shell_quote(value: str) -> str:
    """One shell word that is exactly ``value``, and holds no control character.

    Plain text is POSIX-quoted (``shlex.quote``). Text with control characters is written in
    ANSI-C quoting (``$'...'``: bash, zsh, ksh, and POSIX.1-2024 sh), which spells each one as
    an escape: the command still means the same value, and printing it cannot drive the
    terminal."""
    if not has_control(value):
        return shlex.quote(value)
    return "$'" + "".join(_ansi_c(c) for c in value) + "'"


def shell_join(words: Iterable[str]) -> str:
    """A command line of ``words``, each one quoted with ``shell_quote``."""
    return " ".join(shell_quote(word) for word in words)
