"""Reading a baseline file against the live state: parse only the resources that changed.

A scan compares every resource of a region with its baseline entry, and almost all are
unchanged. A baseline is written deterministically (``store.render``: block style, two spaces
per level, one key or list item per line), so an unchanged resource's entry is, byte for
byte, the rendering of its live projection. :func:`read_against` splits the file at its type
and resource-id lines, renders each live resource the same way (:func:`render_fields`), and
where the two texts are equal takes the live projection as the baseline entry instead of
parsing it; only the other entries are parsed (each one as the small document it is).

The result is ``store.parse``'s: the same resources (equal values; an unchanged entry *is*
the live object, which the drift engine uses to skip comparing it), the same line index, the
same errors. That rests on two facts, both tested against the full parser:

- :func:`render_fields` writes only text whose meaning it is sure of (plain scalars typed by
  the same resolver :mod:`scanner.fastyaml` uses, simple single-quoted strings, block
  collections); anything else, it declines and the entry is parsed. So equal text means the
  entry parses to exactly the live projection, types included.
- Anything outside the strict layout (a comment or blank line among the resources, another
  indentation, flow collections at the type or id level, duplicate keys, an entry that does
  not parse alone, any validation problem) sends the whole file through ``store.parse``, which
  then says what is wrong exactly as before.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from scanner import fastyaml, gcpolicy
from scanner.baseline.projection import is_projected
from scanner.errors import InputError

# A line at the type level (two spaces) or the resource level (four), and a line at an
# indentation the layout never has (zero, one or three spaces) among the resources.
_BOUNDARY = re.compile(r"^( {2}| {4})(?! )([^\n]*)$", re.M)
_OFF_LAYOUT = re.compile(r"\n(?:[^ \n]| [^ \n]|   [^ \n])")
# Comment or blank lines among the resources: the full parser handles them.
_COMMENT_OR_BLANK = re.compile(r"\n *(?:#|\n)")


# Keys and quoted strings this module writes; anything else is declined.
_KEY = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_./:-]*[A-Za-z0-9_./-])?")
_QUOTABLE = re.compile(r"[A-Za-z0-9 ._/+=@,()*-]*")
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")
# Strings every YAML 1.1 resolver reads as themselves, plain (AWS ids like ``sg-0a1b``, dotted
# IPv4 addresses and CIDRs): no indicator, no bool/null/number/timestamp form. A shortcut
# past the resolver for the most common scalars; anything else asks the resolver.
_SURELY_PLAIN = re.compile(r"[a-z][a-z0-9]*-[a-z0-9-]*|[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?:/[0-9]+)?")
# As values, also words of letters, digits and ``._/-`` separated by single spaces, starting
# with a letter (``interface 12``, ``AWS/NATGateway``, ``GreaterThanThreshold``): a plain
# scalar starting with a letter resolves to a bool or a null only as one of a few words of at
# most five letters (yes, Off, FALSE, null...), and such words are excluded (a character
# other than a letter, or six letters). No indicator, ``: ``, `` #`` or edge space can occur.
_SURELY_PLAIN_TEXT = re.compile(
    r"(?=[A-Za-z]{6}|[A-Za-z]*[0-9._/ -])[A-Za-z][A-Za-z0-9._/-]*(?: [A-Za-z0-9._/-]+)*"
)


class Renderer:
    """Projected fields as ``store.render`` writes them under a resource id, or None where
    it is not sure how; each distinct scalar judged once."""

    def __init__(self) -> None:
        self._scalars = fastyaml._Scalars()
        # The text of each scalar judged so far (None: not written), keyed with its type
        # since 1 == 1.0 == True; strings, by far the most common, also by themselves (a
        # str never equals a number or a bool), one lookup without building a key.
        self._texts: dict[tuple[type, Any], str | None] = {}
        self._strings: dict[str, str | None] = {}
        self._keys: dict[str, bool] = {}
        self._orders: dict[
            tuple[Any, ...], tuple[Callable[[Mapping[str, Any]], tuple[Any, ...]], str] | None
        ] = {}
        self._items: dict[tuple[str, tuple[Any, ...], tuple[type, ...]], str] = {}
        self._plans: dict[tuple[str, tuple[Any, ...]], tuple[tuple[Any, str, str], ...] | None] = {}

    def _plain(self, text: str) -> Any:
        try:
            return self._scalars.plain(text)
        except (fastyaml._GiveUp, yaml.YAMLError, ValueError, TypeError, OverflowError):
            return _GIVE_UP

    def scalar(self, value: Any) -> str | None:
        kind = type(value)
        if kind is str:
            # Most strings of a baseline are seen once (resource ids, addresses): a miss is
            # judged without raising and catching a KeyError first.
            text = self._strings.get(value, _UNSEEN)
            if text is not _UNSEEN:
                return text
            text = None
            if _SURELY_PLAIN.fullmatch(value) or _SURELY_PLAIN_TEXT.fullmatch(value):
                text = value
            elif _PRINTABLE_ASCII.fullmatch(value):
                back = self._plain(value)
                if type(back) is str and back == value:
                    text = value
                elif _QUOTABLE.fullmatch(value):
                    text = f"'{value}'"  # no quote inside: nothing to escape
            self._strings[value] = self._texts[(str, value)] = text
            return text
        try:
            text = self._texts.get((kind, value), _UNSEEN)
        except TypeError:
            return None
        if text is not _UNSEEN:
            return text
        text = None
        if kind is bool:
            text = "true" if value else "false"
        elif kind is int or kind is float:
            candidate = str(value) if kind is int else repr(value)
            back = self._plain(candidate)
            if type(back) is kind and back == value:
                text = candidate
        elif value is None:
            text = "null"
        self._texts[(kind, value)] = text
        return text

    def key(self, key: Any) -> bool:
        if type(key) is not str:
            return False
        known = self._keys.get(key)
        if known is None:
            if _SURELY_PLAIN.fullmatch(key):
                known = self._keys[key] = True
            else:
                back = self._plain(key) if _KEY.fullmatch(key) else _GIVE_UP
                known = self._keys[key] = type(back) is str and back == key
        return known

    def fields(self, fields: Mapping[str, Any]) -> str | None:
        """The lines below ``    <id>:`` (each ending in a newline), top-level keys in the
        projection's order, nested mappings' keys sorted (``store._canonical``)."""
        out: list[str] = []
        if not fields:  # `id:` with nothing below is null, not {}
            return None
        if not self._mapping(fields, "      ", out, tuple(fields)):
            return None
        return "".join(out)

    # The two loops below run for every line of every resource of a scan (a hundred thousand
    # resources are two million lines): a mapping's key lines come from a plan made once per
    # (indentation, keys), a list item's from a template made once per (indentation, keys),
    # and a string's text is one lookup; anything else goes through ``scalar``/``key``.
    def _plan(self, pad: str, keys: tuple[Any, ...]) -> tuple[tuple[Any, str, str], ...] | None:
        """Per key: the key, its line's start before a value, its line above a collection."""
        if len(pad) > fastyaml.MAX_DEPTH or not all(self.key(k) for k in keys):
            # Every two spaces of indentation are at most two levels (a mapping in a list
            # item): fields written no deeper than this are no deeper than ``_parse_entry``
            # reads, and anything deeper is left to the full parser, which refuses it.
            return None
        return tuple((k, f"{pad}{k}: ", f"{pad}{k}:\n") for k in keys)

    def _mapping(
        self, data: Mapping[str, Any], pad: str, out: list[str], keys: tuple[Any, ...]
    ) -> bool:
        try:
            plan = self._plans[(pad, keys)]
        except KeyError:
            plan = self._plans[(pad, keys)] = self._plan(pad, keys)
        if plan is None:
            return False
        strings, append = self._strings, out.append
        for key, inline, above in plan:
            value = data[key]
            kind = value.__class__
            if kind is str:
                text = strings.get(value) or self.scalar(value)
            elif kind is dict:
                if not value:
                    append(f"{inline}{{}}\n")
                    continue
                append(above)
                try:
                    # Keys that are not all strings are never written (``key``): sorting
                    # them as themselves or as str (``store._canonical``) fails alike.
                    order = tuple(sorted(value))
                except TypeError:
                    return False
                if not self._mapping(value, pad + "  ", out, order):
                    return False
                continue
            elif kind is list:
                if not value:
                    append(f"{inline}[]\n")
                    continue
                append(above)
                if not self._sequence(value, pad, out):
                    return False
                continue
            else:
                text = self.scalar(value)
            if text is None:
                return False
            append(f"{inline}{text}\n")
        return True

    def _sequence(self, items: list[Any], pad: str, out: list[str]) -> bool:
        """A mapping's list, at the mapping's own indentation (libyaml's indentless form);
        items are scalars or non-empty mappings of scalars."""
        strings, orders, append = self._strings, self._orders, out.append
        typed, written = self._texts.get, self._items
        dash = f"{pad}- "
        for item in items:
            kind = item.__class__
            if kind is dict:
                # The same rules, routes and entries recur across a region's resources (about
                # 9 items in 10 at 100k): an item of scalars is written once per (indentation,
                # keys and values, the values' types; 1, 1.0 and True are equal, not alike).
                try:
                    seen = (pad, tuple(item.items()), tuple(map(type, item.values())))
                    text = written.get(seen)
                except TypeError:  # a value that is a list or a mapping
                    seen, text = None, None
                if text is not None:
                    append(text)
                    continue
                # One template per (indentation, key set): "- k1: {}\n  k2: {}\n".
                shape = (pad, *item)
                known = orders.get(shape)
                if known is None:
                    known = orders[shape] = self._order(pad, tuple(item))
                if not known:
                    return False
                values, template = known[0](item), known[1]
                try:
                    # Each value's text by (type, value): these items (rules, routes, entries)
                    # are most of a baseline's lines.
                    texts = [typed((v.__class__, v)) for v in values]
                except TypeError:  # a nested list or mapping (an endpoint policy's statement)
                    if not self._item(item, pad, out):
                        return False
                    continue
                if None in texts:
                    # A value not judged before (or not writable): each one judged.
                    texts = [self.scalar(v) for v in values]
                    if None in texts:
                        return False
                text = template.format(*texts)
                if seen is not None:
                    written[seen] = text
                append(text)
            elif kind is str:
                text = strings.get(item) or self.scalar(item)
                if text is None:
                    return False
                append(f"{dash}{text}\n")
            elif kind is list:
                return False
            else:
                text = self.scalar(item)
                if text is None:
                    return False
                append(f"{dash}{text}\n")
        return True

    def _item(self, item: Mapping[str, Any], pad: str, out: list[str]) -> bool:
        """A list item that is a mapping holding collections: the mapping two spaces in, its
        first line starting with the dash instead (``- Action: x\n  Condition:\n    ...``)."""
        try:
            order = tuple(sorted(item))  # keys not all strings are never written (``key``)
        except TypeError:
            return False
        start = len(out)
        if not self._mapping(item, pad + "  ", out, order):
            return False
        out[start] = f"{pad}- {out[start][len(pad) + 2 :]}"
        return True

    def _order(
        self, pad: str, keys: tuple[Any, ...]
    ) -> tuple[Callable[[Mapping[str, Any]], tuple[Any, ...]], str] | None:
        """What takes a list item's values in the order they are written, and the item's
        text with a ``{}`` for each value; None when it cannot be written."""
        if not keys or not all(self.key(k) for k in keys):
            return None
        order = tuple(sorted(keys, key=str))
        lines = [f"{pad}{'- ' if i == 0 else '  '}{k}: {{}}\n" for i, k in enumerate(order)]
        # itemgetter of one key gives the value, not a 1-tuple.
        values = operator.itemgetter(*order) if len(order) > 1 else _one(order[0])
        return values, "".join(lines)


def _one(key: Any) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    return lambda item: (item[key],)


_GIVE_UP = object()
_UNSEEN = "\n"  # never a text (texts are one line): the cache had no entry


class _Irregular(Exception):
    """The file is outside the strict layout: the full parser reads it."""


Live = Mapping[str, Mapping[str, Mapping[str, Any]]]  # {type: {id: projected fields}}
CheckFields = Callable[[str, str, Mapping[str, Any], str, Mapping[Any, int]], None]


def read_against(
    text: str,
    path: str,
    account: str,
    region: str,
    live: Live,
    check_fields: CheckFields,
    renderer: Renderer | None = None,
) -> tuple[dict[str, dict[str, Any]], dict[tuple[Any, ...], int]] | None:
    """(resources, lines) as ``store.parse`` reads them (lines down to each resource), with
    unchanged entries taken from ``live``; None for anything irregular, which the caller then
    reads with ``store.parse``. ``check_fields`` is the store's per-resource validation."""
    try:
        with gcpolicy.bulk_load():
            return _split(text, path, account, region, live, check_fields, renderer)
    except (_Irregular, InputError, ValueError):
        return None


def _split(
    text: str,
    path: str,
    account: str,
    region: str,
    live: Live,
    check_fields: CheckFields,
    renderer: Renderer | None,
) -> tuple[dict[str, dict[str, Any]], dict[tuple[Any, ...], int]]:
    if fastyaml._outside_the_subset(text) or not text.endswith("\n"):
        raise _Irregular
    renderer = renderer or Renderer()
    # The header: comment lines, then account, region and resources, in that order.
    lines: dict[tuple[Any, ...], int] = {}
    position, number = 0, 1
    while text.startswith("#", position):
        position = text.index("\n", position) + 1
        number += 1
    head_end = position
    for _ in range(2):
        head_end = text.index("\n", head_end) + 1
    head = fastyaml.load(text[position:head_end])
    if head is None or not isinstance(head[0], dict) or list(head[0]) != ["account", "region"]:
        raise _Irregular
    values = head[0]
    if str(values["account"]) != account or str(values["region"]) != region:
        raise _Irregular  # the full parser names the mismatch
    if values["account"] is None or values["region"] is None:
        raise _Irregular
    if not text.startswith("resources:\n", head_end):
        raise _Irregular
    lines[()] = lines[("account",)] = number
    lines[("region",)] = number + 1
    lines[("resources",)] = number + 2
    body = head_end + len("resources:\n")
    number += 3

    resources: dict[str, dict[str, Any]] = {}
    rtype: str | None = None
    entries: dict[str, Any] = {}
    known_entries: Live | Mapping[str, Any] = {}  # the live resources of the type being read
    size = len(text)
    position = counted = body
    boundary = _BOUNDARY.match
    # Line by line only at type and id lines: an entry that is its live resource's rendering
    # is stepped over whole, and only the other entries are searched for where they end and
    # for lines outside the layout (a comment, a blank line, an odd indentation). Searching
    # the whole body for those took the regular expression engine through every line (~0.4 s
    # CPU of a 100k-resource estate's 2M lines); the renderer never writes one (every line it
    # writes is indented six spaces or more and starts with a key or "- ", tested), and the
    # type and id lines are boundaries, so every line is still checked.
    while position < size:
        match = boundary(text, position)
        if match is None:
            raise _Irregular  # lines below a type line that are no entry
        number += text.count("\n", counted, position)
        counted = position
        content = match.group(2)
        position = match.end() + 1
        if len(match.group(1)) == 2:
            if content.endswith(": {}"):
                name, empty = content[:-4], True
            elif content.endswith(":"):
                name, empty = content[:-1], False
            else:
                raise _Irregular
            if not renderer.key(name) or name in resources or not is_projected(name):
                raise _Irregular
            rtype, entries = name, {}
            known_entries = live.get(name, {})
            resources[name] = entries
            lines[("resources", name)] = number
            if empty:
                rtype = None  # an id line below it is irregular
            continue
        if rtype is None or not content.endswith(":") or not renderer.key(content[:-1]):
            raise _Irregular
        rid = content[:-1]
        lines[("resources", rtype, rid)] = number
        if rid in entries:
            raise _Irregular
        fields: Any = None
        known = known_entries.get(rid)
        if known is not None:
            rendered = renderer.fields(known)
            if rendered is not None and text.startswith(rendered, position):
                end = position + len(rendered)
                if end == size or boundary(text, end):
                    fields = known
        if fields is None:
            following = _BOUNDARY.search(text, position)
            end = size if following is None else following.start()
            if _OFF_LAYOUT.search(text, position - 1, end) or _COMMENT_OR_BLANK.search(
                text, position - 1, end
            ):
                raise _Irregular
            fields = _parse_entry(text[match.start() : end], rid)
            if not isinstance(fields, dict):
                raise _Irregular
        check_fields(rtype, rid, fields, path, lines)
        entries[rid] = fields
        position = end
    return resources, lines


def _parse_entry(block: str, rid: str) -> Any:
    """One resource's entry (its id line and the lines below it), dedented to a document."""
    document = "\n".join(line[4:] for line in block.split("\n"))
    loaded = fastyaml.load(document, line_depth=0)
    if loaded is None or not isinstance(loaded[0], dict) or list(loaded[0]) != [rid]:
        raise _Irregular
    if _depth(loaded[0][rid]) > fastyaml.MAX_DEPTH - 4:
        raise _Irregular  # the whole document may be too deep: the full parser decides
    return loaded[0][rid]


def _depth(value: Any) -> int:
    """How many collections deep ``value`` is (0 for a scalar)."""
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0
