"""``json.dumps(value, indent=2, sort_keys=True, default=...)``, the same text, faster.

With ``indent`` set, Python 3.11's ``json`` falls back to its pure-Python encoder, a chain of
generators per container; report.md prints one indented evidence object per finding, and at
100k resources that encoder was the largest single cost of rendering. This builds the same
text with one recursive function and the C encoder's string escaping.
``tests/unit/report/test_jsonindent.py`` checks it against ``json.dumps`` itself on
generated values (every JSON type, non-string keys, NaN and infinities, unicode, tuples,
values only ``default`` can encode, circular references).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import (  # type: ignore[attr-defined]
    c_make_encoder,
    encode_basestring,
    encode_basestring_ascii,
)
from typing import Any

_INFINITY = float("inf")


def _float(value: float) -> str:
    # json.encoder's floatstr with allow_nan=True.
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    # json.encoder's key conversion (skipkeys=False), then the key is encoded as a string.
    if isinstance(key, str):
        return encode_basestring_ascii(key)
    if isinstance(key, float):
        return encode_basestring_ascii(_float(key))
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return encode_basestring_ascii(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def dumps_sorted_indented(value: Any, default: Callable[[Any], Any]) -> str:
    """Exactly ``json.dumps(value, indent=2, sort_keys=True, default=default)``."""
    parts: list[str] = []
    append = parts.append
    markers: set[int] = set()

    def encode(o: Any, level: int) -> None:
        # The order of the checks is json.encoder's (_iterencode): str, None, True, False,
        # int, float, list/tuple, dict, then default.
        if isinstance(o, str):
            append(encode_basestring_ascii(o))
        elif o is None:
            append("null")
        elif o is True:
            append("true")
        elif o is False:
            append("false")
        elif isinstance(o, int):
            append(int.__repr__(o))
        elif isinstance(o, float):
            append(_float(o))
        elif isinstance(o, (list, tuple)):
            if not o:
                append("[]")
                return
            _enter(o)
            inner = "\n" + "  " * (level + 1)
            append("[")
            first = True
            for item in o:
                append(inner if first else "," + inner)
                first = False
                encode(item, level + 1)
            append("\n" + "  " * level + "]")
            markers.discard(id(o))
        elif isinstance(o, dict):
            if not o:
                append("{}")
                return
            _enter(o)
            inner = "\n" + "  " * (level + 1)
            append("{")
            first = True
            for key, item in sorted(o.items()):
                append((inner if first else "," + inner) + _key(key) + ": ")
                first = False
                encode(item, level + 1)
            append("\n" + "  " * level + "}")
            markers.discard(id(o))
        else:
            _enter(o)
            encode(default(o), level)
            markers.discard(id(o))

    def _enter(o: Any) -> None:
        if id(o) in markers:
            raise ValueError("Circular reference detected")
        markers.add(id(o))

    encode(value, 0)
    return "".join(parts)


class _ReusedEncoder:
    """``json.JSONEncoder(separators=(",", ":"), ...).encode`` with the C encoder made once:
    ``JSONEncoder.encode`` builds a new one (and its Python wrappers) on every call, a fifth
    of the cost of encoding one finding of a large report."""

    def __init__(self, default: Callable[[Any], Any], sort_keys: bool, ensure_ascii: bool) -> None:
        # check_circular=True: the markers dict, empty again after every complete encoding.
        self._markers: dict[int, Any] = {}
        strings = encode_basestring_ascii if ensure_ascii else encode_basestring
        self._encode = c_make_encoder(
            self._markers, default, strings, None, ":", ",", sort_keys, False, True
        )

    def __call__(self, value: Any) -> str:
        try:
            return "".join(self._encode(value, 0))
        except BaseException:
            # An encoding that failed halfway leaves its containers marked: forget them, or
            # a later value reusing their ids would be called circular.
            self._markers.clear()
            raise


def reused_encoder(
    default: Callable[[Any], Any], *, sort_keys: bool, ensure_ascii: bool
) -> Callable[[Any], str]:
    """Exactly ``json.JSONEncoder(separators=(",", ":"), sort_keys=..., ensure_ascii=...,
    default=default).encode``, for encoding many values."""
    if c_make_encoder is None:  # an interpreter without the C accelerator
        return json.JSONEncoder(
            separators=(",", ":"), sort_keys=sort_keys, ensure_ascii=ensure_ascii, default=default
        ).encode
    return _ReusedEncoder(default, sort_keys, ensure_ascii)


class SortedIndentedMemo:
    """``finish(dumps_sorted_indented(value, default))``, remembered per value.

    A scan repeats the same evidence across many findings (one open rule on many copies of a
    group, the same peering violation on every connection: 834 distinct evidence objects
    among 26,861 findings in the 100k benchmark), and indenting is the costly part of
    report.md's evidence. The memo's key is the compact sorted text from the C encoder
    (``json.dumps(value, sort_keys=True, separators=(",", ":"), default=default)``, a few
    microseconds): the indented text is that same encoding with whitespace added (same key
    order, string escaping, number text and ``default`` calls), so two values with one key
    have one indented text. Errors are the same as well: the C encoder raises the
    TypeError/ValueError that the indented encoder would (mixed keys, bad key types, circular
    references). One memo per rendered report: it holds no more than the report's text.
    """

    def __init__(self, default: Callable[[Any], Any], finish: Callable[[str], str]) -> None:
        self._default = default
        self._finish = finish
        self._key = reused_encoder(default, sort_keys=True, ensure_ascii=True)
        self._texts: dict[str, str] = {}

    def __call__(self, value: Any) -> str:
        key = self._key(value)
        text = self._texts.get(key)
        if text is None:
            text = self._finish(dumps_sorted_indented(value, self._default))
            self._texts[key] = text
        return text
