"""JSON paths for error messages: ``$.accounts["../../x"].regions``, the place in a JSON
document that a message is about (a snapshot has no useful line numbers: it is one line)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def render(path: Iterable[object]) -> str:
    """``$`` followed by ``.key``, ``["odd key"]`` or ``[index]`` for each step."""
    out = ["$"]
    for step in path:
        if isinstance(step, int):
            out.append(f"[{step}]")
        elif isinstance(step, str) and _IDENTIFIER.fullmatch(step):
            out.append(f".{step}")
        else:
            # JSON-quoted, ASCII only: the key is attacker text and goes to a terminal.
            out.append(f"[{json.dumps(str(step), ensure_ascii=True)}]")
    return "".join(out)
