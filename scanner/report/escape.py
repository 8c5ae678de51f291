"""Making AWS-provided text (names, descriptions, tags) inert in Markdown and SARIF.

Anyone who can name a security group writes into our reports, so every such string is
escaped where it lands: HTML special characters become entities (no tag, no attribute, no
script survives), Markdown punctuation is backslash-escaped (no emphasis, link, image, table
cell break, code span or math), line breaks become ``<br>`` (a table row or list item never
splits), and code blocks get a fence longer than any backtick run inside them.
All functions are ``str.translate``/``re`` based: linear in the text.
"""

from __future__ import annotations

import json
import re
from typing import Any

_CONTROL = {i: " " for i in range(32)}
_CONTROL[0x7F] = " "
# Characters besides \n and \r that some renderers (and str.splitlines) treat as line breaks.
_CONTROL.update({0x85: " ", 0x2028: " ", 0x2029: " "})

_MD = dict(_CONTROL)
# Backslash-escape the punctuation that starts inline markup or splits a table cell ($ is
# GitHub's math); HTML's special characters become entities.
_MD.update({ord(c): "\\" + c for c in "\\`*_[]#!|~$"})
_MD.update({ord("<"): "&lt;", ord(">"): "&gt;", ord("&"): "&amp;"})

_SARIF = dict(_CONTROL)
_SARIF.update({ord("\\"): "\\\\", ord("["): "\\[", ord("]"): "\\]"})

_NEWLINES = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_BACKTICKS = re.compile(r"`+")
# Fast paths: most ids, ARNs and regions contain none of these.
_MD_SPECIAL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029\\`*_\[\]#!|~$<>&]")
_CODE_SPECIAL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029`|]")


def as_text(value: Any) -> str:
    """Any value as text: strings as they are, anything else as compact sorted JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def md(value: Any) -> str:
    """Literal inline Markdown text (safe in a paragraph, heading, list item or table cell).

    Line breaks become ``<br>`` so that a newline never starts a heading, list or new row.
    """
    text = as_text(value)
    if _MD_SPECIAL.search(text) is None:
        return text
    if _NEWLINES.search(text) is None:
        return text.translate(_MD)
    return "<br>".join(part.translate(_MD) for part in _NEWLINES.split(text))


def md_code(value: Any) -> str:
    """Inline code for a short identifier (an id, ARN or path), safe in a table cell."""
    if isinstance(value, str) and value and _CODE_SPECIAL.search(value) is None:
        return f"`{value}`"
    text = _NEWLINES.sub(" ", as_text(value)).translate(_CONTROL).replace("|", "\\|")
    if not text:
        return ""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence_for(text: str) -> str:
    """A backtick fence longer than any backtick run in ``text`` (at least three)."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    return "`" * max(3, longest + 1)


def code_block(text: str, info: str = "") -> str:
    """A fenced code block that ``text`` cannot close early, ending with a newline."""
    fence = fence_for(text)
    body = text if text.endswith("\n") else text + "\n"
    return f"{fence}{info}\n{body}{fence}\n"


def sarif_text(value: Any, limit: int = 0) -> str:
    """Plain SARIF message text: one line, with ``[``, ``]`` and ``\\`` escaped (SARIF
    §3.11.6) so that text from AWS can never become an embedded link."""
    text = as_text(value)
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.translate(_SARIF)
