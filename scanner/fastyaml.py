"""A fast reader for the YAML that netwarden itself writes, with lines; anything else is
left to the full parser.

Baselines are large (a region of 2,500 resources is about 57,000 lines) and written by
:func:`scanner.yamlio.dump`: block style, one key or list item per line, plain or quoted
scalars on one line. PyYAML builds a node (with two position marks) for every scalar before
building the data; for this subset a line-by-line reader builds the data directly, several
times faster.

The reader is exact or it gives up: :func:`load` returns None for anything outside the subset
(flow collections other than ``{}`` and ``[]``, multi-line scalars, anchors, tags, comments
after a value, tabs, duplicate keys, anything malformed), and the caller then uses PyYAML,
which also produces the error messages. Plain scalars are typed by PyYAML's own resolver and
constructor, so ``yes``, ``0x1f`` or ``2001-01-01`` mean what they mean to PyYAML. Tested
against ``yaml.safe_load`` on generated documents and on random corruptions of them.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

PathKey = tuple[Any, ...]

# The deepest document netwarden reads (collections inside collections); a deeper one is
# left to scanner.yamlio, which refuses it at its line.
MAX_DEPTH = 64

# Tabs, carriage returns, YAML 1.1's other line breaks, a byte-order mark, and what PyYAML
# refuses as non-printable: all left to PyYAML.
_OUTSIDE = re.compile(
    "[\t\r\x85\u2028\u2029\ufeff]|[^\x0a\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)

_ASCII_ALLOWED = bytes([0x0A, *range(0x20, 0x7F)])


def _outside_the_subset(text: str) -> bool:
    if text.isascii():  # the usual case, checked without a regular expression
        return bool(text.encode("ascii").translate(None, _ASCII_ALLOWED))
    return _OUTSIDE.search(text) is not None


# A plain scalar cannot start with these (YAML 1.1 indicators); such text is left to PyYAML.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")


class _GiveUp(Exception):
    """The text is outside the subset this reader handles."""


class _Scalars:
    """Plain scalars typed exactly as PyYAML's safe loader types them, each distinct text
    once; equal strings shared."""

    def __init__(self) -> None:
        self._resolver = yaml.resolver.Resolver()
        self._constructor = yaml.constructor.SafeConstructor()
        self.known: dict[str, Any] = {}  # plain text read before: its value
        self._strings: dict[str, str] = {}

    def plain(self, text: str) -> Any:
        try:
            return self.known[text]
        except KeyError:
            pass
        if (
            not text
            or (
                text[0] in _INDICATORS
                and not (text[0] in "-?:" and len(text) > 1 and text[1] != " ")
            )
            or ": " in text
            or " #" in text
            or text.endswith(":")
            or text != text.strip()
            or "\t" in text
        ):
            raise _GiveUp
        tag = self._resolver.resolve(yaml.ScalarNode, text, (True, False))
        if tag == "tag:yaml.org,2002:str":
            value: Any = self._strings.setdefault(text, text)
        else:
            value = self._constructor.construct_object(yaml.ScalarNode(tag, text), deep=True)
        self.known[text] = value
        return value

    def string(self, text: str) -> str:
        return self._strings.setdefault(text, text)


def _single_quoted(text: str) -> str:
    """The value of ``'...'`` that fills ``text`` exactly."""
    if len(text) < 2 or text[-1] != "'":
        raise _GiveUp
    inner = text[1:-1]
    if "'" in inner.replace("''", ""):
        raise _GiveUp  # a lone quote: the scalar ends before the line does
    return inner.replace("''", "'")


def _double_quoted(text: str) -> str:
    """The value of ``"..."`` that fills ``text`` exactly (escapes decoded by PyYAML)."""
    if len(text) < 2 or text[-1] != '"':
        raise _GiveUp
    index, end = 1, len(text) - 1
    while index < end:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == '"':
            raise _GiveUp
        index += 1
    if index != end:
        raise _GiveUp  # the closing quote was escaped
    value = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(value, str):
        raise _GiveUp
    return value


class _Reader:
    def __init__(self, text: str, line_depth: int | None, lines: dict[PathKey, int]) -> None:
        self.scalars = _Scalars()
        self.lines = lines
        self.deepest = line_depth if line_depth is not None else 1 << 30
        # (line number, indent, content) of every line that holds something.
        if _outside_the_subset(text):
            raise _GiveUp
        self.rows: list[tuple[int, int, str]] = []
        append = self.rows.append
        number = 0
        for raw in text.split("\n"):
            number += 1
            content = raw.lstrip(" ")
            if not content:
                continue
            first = content[0]
            if first == "#":
                continue
            if first in "%-." and content.startswith(("%", "---", "...")):
                raise _GiveUp
            append((number, len(raw) - len(content), content))
        self.pos = 0
        self.depth = 0  # collections open at the current row

    def scalar(self, text: str) -> Any:
        first = text[0]
        if first == "'":
            return self.scalars.string(_single_quoted(text))
        if first == '"':
            return self.scalars.string(_double_quoted(text))
        if text in ("{}", "[]"):
            if self.depth >= MAX_DEPTH:  # an empty collection is a level too
                raise _GiveUp
            return {} if text == "{}" else []
        return self.scalars.plain(text)

    def split_key(self, content: str) -> tuple[Any, str] | None:
        """(key, rest after ``: ``) when ``content`` is a mapping entry, else None."""
        first = content[0]
        if first in "'\"":
            close = content.find(first + ":", 1)
            while close != -1:
                try:
                    key = self.scalar(content[: close + 1])
                except _GiveUp:
                    close = content.find(first + ":", close + 1)
                    continue
                rest = content[close + 2 :]
                if rest and rest[0] != " ":
                    raise _GiveUp
                return key, rest[1:]
            return None
        colon = content.find(": ")
        if colon == -1:
            if content.endswith(":"):
                return self.scalars.plain(content[:-1]), ""
            return None
        return self.scalars.plain(content[:colon]), content[colon + 2 :]

    def record(self, path: PathKey | None, line: int) -> None:
        if path is not None:
            self.lines[path] = line

    def child_path(self, path: PathKey | None, key: Any) -> PathKey | None:
        if path is None or len(path) >= self.deepest:
            return None
        return (*path, key)

    def node(self, indent: int, path: PathKey | None) -> Any:
        """The block that starts at the current row, which is at ``indent``."""
        content = self.rows[self.pos][2]
        if content == "-" or content.startswith("- "):
            return self.sequence(indent, path)
        return self.mapping(indent, path)

    def value_after(self, indent: int, rest: str, path: PathKey | None, in_sequence: bool) -> Any:
        """The value of an entry at ``indent`` whose text after the indicator is ``rest``."""
        if rest:
            return self.scalar(rest)
        # Nothing on the line: the value is the more indented block below, an indentless
        # sequence (a mapping's list at the key's own indent), or null.
        if self.pos < len(self.rows):
            _, below, content = self.rows[self.pos]
            if below > indent:
                return self.node(below, path)
            is_item = content == "-" or content.startswith("- ")
            if below == indent and is_item and not in_sequence:
                return self.sequence(indent, path)
        return None

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _GiveUp

    def mapping(self, indent: int, path: PathKey | None) -> dict[Any, Any]:
        # The hot loop: plain keys and values already seen are looked up, not re-read, and
        # the position is a local (written back before any call that reads it).
        self.enter()
        out: dict[Any, Any] = {}
        rows, known, lines = self.rows, self.scalars.known, self.lines
        record = path is not None and len(path) < self.deepest
        pos, end = self.pos, len(rows)
        while pos < end:
            number, at, content = rows[pos]
            if at != indent:
                if at < indent:
                    break
                raise _GiveUp
            first = content[0]
            if first == "-" and (len(content) == 1 or content[1] == " "):
                break
            colon = content.find(": ")
            if colon > 0 and first not in "'\"":
                text = content[:colon]
                key = known[text] if text in known else self.scalars.plain(text)
                rest = content[colon + 2 :]
            else:
                self.pos = pos
                entry = self.split_key(content)
                if entry is None:
                    raise _GiveUp
                key, rest = entry
            if key in out:
                raise _GiveUp
            pos += 1
            if record:
                child: PathKey | None = (*path, key)  # type: ignore[misc]
                lines[child] = number  # type: ignore[index]
            else:
                child = None
            if rest and rest in known:
                out[key] = known[rest]
            elif rest:
                out[key] = self.scalar(rest)
            else:
                self.pos = pos
                out[key] = self.value_after(indent, rest, child, in_sequence=False)
                pos = self.pos
        self.pos = pos
        self.depth -= 1
        return out

    def sequence(self, indent: int, path: PathKey | None) -> list[Any]:
        self.enter()
        out: list[Any] = []
        rows = self.rows
        while self.pos < len(rows):
            number, at, content = rows[self.pos]
            if at != indent or not (content == "-" or content.startswith("- ")):
                if at > indent:
                    raise _GiveUp
                break
            child = self.child_path(path, len(out))
            self.record(child, number)
            rest = content[2:] if content != "-" else ""
            inner = rest.lstrip(" ")
            if inner and (
                inner == "-"
                or inner.startswith("- ")
                # A plain key: the mapping below reads it (and gives up where split_key would).
                or (inner[0] not in "'\"" and inner.find(": ") > 0)
                or self.split_key(inner)
            ):
                # "- key: value" or "- - x": a block whose first row starts after the dash.
                rows[self.pos] = (number, indent + len(content) - len(inner), inner)
                out.append(self.node(indent + len(content) - len(inner), child))
                continue
            self.pos += 1
            if not inner and self.pos < len(rows) and rows[self.pos][1] > indent:
                self.record(child, rows[self.pos][0])  # the block starts below the dash
            out.append(self.value_after(indent, inner, child, in_sequence=True))
        self.depth -= 1
        return out

    def document(self) -> Any:
        if not self.rows:
            return None
        number, indent, content = self.rows[0]
        self.lines[()] = number
        if indent != 0:
            raise _GiveUp
        is_item = content == "-" or content.startswith("- ")
        if not is_item and self.split_key(content) is None:
            if len(self.rows) != 1:
                raise _GiveUp
            self.pos = 1
            return self.scalar(content)
        data = self.node(0, ())
        if self.pos != len(self.rows):
            raise _GiveUp
        return data


def load(
    text: str, line_depth: int | None = None, lines: dict[PathKey, int] | None = None
) -> tuple[Any, dict[PathKey, int]] | None:
    """The data of ``text`` and {path of keys and indexes: 1-based line} for paths of up to
    ``line_depth`` keys (all when None), filled into ``lines`` when given; or None when the
    text is outside the subset (``lines`` may then hold a partial index)."""
    try:
        reader = _Reader(text, line_depth, {} if lines is None else lines)
        data = reader.document()
    except (_GiveUp, yaml.YAMLError, ValueError, TypeError, RecursionError):
        return None  # RecursionError: a very deep document, which PyYAML reads iteratively
    return data, reader.lines
