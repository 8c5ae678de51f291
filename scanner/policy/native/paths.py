"""Reading a value filter's ``key`` from an item, as Custodian reads it, and knowing statically
which top-level keys of the item that read can see.

Custodian's ``BaseValueFilter.get_resource_value`` takes ``item[key]`` when the item has that
exact key, and otherwise searches the key as a JMESPath expression (with Custodian's extra
functions). A dotted path of plain identifiers is walked here without JMESPath, with
JMESPath's own semantics (a field of anything but an object is null); any other expression is
searched with Custodian's compiled parser, as Custodian does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from scanner.policy.native.errors import Unsupported

Getter = Callable[[Mapping[str, Any]], Any]

_IDENTIFIER_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
_OPTIONS: Any = None


def _options() -> Any:
    """One ``jmespath.Options`` with Custodian's functions (Custodian builds one per search;
    the functions hold no state)."""
    global _OPTIONS
    if _OPTIONS is None:
        import jmespath
        from c7n.utils import C7NJmespathFunctions

        _OPTIONS = jmespath.Options(custom_functions=C7NJmespathFunctions())
    return _OPTIONS


def compile_expression(expression: str) -> Any:
    """Custodian's parse of a JMESPath expression; Unsupported when it does not parse (Custodian
    would raise only once an item lacks the literal key, which is its behaviour to keep)."""
    from c7n.utils import jmespath_compile

    try:
        return jmespath_compile(expression)
    except Exception as exc:  # jmespath raises several error types for a bad expression
        raise Unsupported(f"key {expression!r} is not a JMESPath expression: {exc}") from None


def is_identifier(key: str) -> bool:
    """A plain top-level key (``GroupName``): read with ``item.get(key)``."""
    return "." not in key and bool(_IDENTIFIER_PATH.match(key))


def field_getter(key: str) -> tuple[Getter, bool]:
    """A function reading ``key`` from an item exactly as Custodian does, and whether it can
    never raise on JSON data (true for identifier paths; functions may raise)."""
    if _IDENTIFIER_PATH.match(key):
        parts = key.split(".")
        if len(parts) == 1:
            return (lambda item: item.get(key)), True

        def walk(item: Mapping[str, Any]) -> Any:
            if key in item:
                return item.get(key)
            value: Any = item
            for part in parts:
                if not isinstance(value, dict):
                    return None
                value = value.get(part)
                if value is None:
                    return None
            return value

        return walk, True
    parsed = compile_expression(key)
    options = _options()

    def search(item: Mapping[str, Any]) -> Any:
        if key in item:
            return item.get(key)
        return parsed.search(item, options=options)

    return search, False


def root_fields(key: str) -> frozenset[str]:
    """The top-level keys of an item that reading ``key`` can see (the exact key included).
    Unsupported when the expression looks at the item as a whole (``@``, ``*``, ``keys(@)``):
    then what it reads cannot be told apart from the annotations filters add."""
    if key.startswith("tag:"):
        return frozenset({"Tags", "labels", "tags", key})
    if _IDENTIFIER_PATH.match(key):
        return frozenset({key, key.split(".", 1)[0]})
    return frozenset({key}) | _roots(compile_expression(key).parsed)


def _roots(node: Mapping[str, Any]) -> frozenset[str]:
    kind = node["type"]
    children = node.get("children", [])
    if kind == "field":
        return frozenset({node["value"]})
    if kind == "literal":
        return frozenset()
    if kind in ("subexpression", "index_expression", "projection", "value_projection", "pipe"):
        return _roots(children[0])  # the rest is evaluated on what the left side produced
    if kind == "filter_projection":
        return _roots(children[0])
    if kind in ("flatten", "not_expression", "key_val_pair"):
        return _roots(children[0])
    if kind in ("or_expression", "and_expression", "comparator", "multi_select_list"):
        return frozenset().union(*(_roots(c) for c in children))
    if kind == "multi_select_dict":
        return frozenset().union(*(_roots(c) for c in children))
    if kind == "function_expression":
        # An expression reference (&x) is applied to elements of another argument.
        return frozenset().union(*(_roots(c) for c in children if c["type"] != "expref"))
    raise Unsupported(f"a JMESPath {kind!r} reads the whole item")
