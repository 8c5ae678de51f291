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
from html import escape
from typing import Any

from scanner.textsafe import CONTROL_POINTS, printable_block

# Every control character (scanner.textsafe) becomes a space in inline text.
_CONTROL = dict.fromkeys(CONTROL_POINTS, " ")

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
_CONTROLS = "".join(re.escape(chr(point)) for point in sorted(CONTROL_POINTS))
_MD_SPECIAL = re.compile(f"[{_CONTROLS}" + r"\\`*_\[\]#!|~$<>&]")
_CODE_SPECIAL = re.compile(f"[{_CONTROLS}`|]")
# Exactly the characters _SARIF maps: str.translate with a dict looks up every character in
# Python, and a SARIF log asks for 145,000 messages and names at 100k resources.
_SARIF_SPECIAL = re.compile(f"[{_CONTROLS}" + r"\\\[\]]")


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
    if "`" not in text:  # most evidence and commands: no run to measure
        return "```"
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    return "`" * max(3, longest + 1)


def code_block(text: str, info: str = "") -> str:
    """A fenced code block that ``text`` cannot close early, ending with a newline."""
    text = printable_block(text)  # no escape sequence, no carriage return reaches a terminal
    fence = fence_for(text)
    body = text if text.endswith("\n") else text + "\n"
    return f"{fence}{info}\n{body}{fence}\n"


def html_text(text: str) -> str:
    """Literal HTML text (an element's content or a quoted attribute): ``& < > " '`` as
    entities, and every control character but newline and tab shown escaped (``\\x1b``):
    an ESC or BEL is a parse error in HTML, and a bidi override reorders what is shown."""
    return escape(printable_block(text))


def sarif_text(value: Any, limit: int = 0) -> str:
    """Plain SARIF message text: one line, with ``[``, ``]`` and ``\\`` escaped (SARIF
    §3.11.6) so that text from AWS can never become an embedded link."""
    text = as_text(value)
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    if _SARIF_SPECIAL.search(text) is None:
        return text
    return text.translate(_SARIF)
