"""Making attacker-controlled text (tags, names, descriptions) safe to print on one line."""

from __future__ import annotations

import json
from typing import Any

_CONTROL = {i: f"\\x{i:02x}" for i in range(32) if chr(i) not in "\t"}
_CONTROL[0x7F] = "\\x7f"


def one_line(value: Any, limit: int = 200) -> str:
    """A value as one printable line: control characters (terminal escapes, newlines) are
    shown escaped, long values are cut."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    text = text.translate(_CONTROL)
    return text if len(text) <= limit else text[: limit - 1] + "…"
