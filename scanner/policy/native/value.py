"""Custodian's ``value`` filter (``c7n.filters.core.ValueFilter.match``), compiled once.

The order of every step is Custodian's, because each one changes what the next sees: read the
key (an exact top-level key, else a JMESPath search; ``tag:K`` from ``Tags``), apply
``value_regex``, turn a missing value into ``()`` for ``in``/``not-in``, convert both sides by
``value_type``, then the words ``absent``/``present``/``not-null``/``empty`` (checked before any
``op``, whatever the op), then the operator (a ``TypeError`` there is no match), else
equality. The operator table and the parsers of the typed conversions (CIDR, date, version)
are Custodian's own objects, so their semantics cannot drift apart.

Not compiled (Custodian evaluates the policy): ``value_from`` (fetches a URL),
``value_path``, ``resource_count`` (a verdict on the whole set), ``age``/``expiration``
(relative to the clock at the instant of each comparison), ``tag_key_transforms``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from scanner.policy.native.errors import Unsupported
from scanner.policy.native.paths import Getter, field_getter, is_identifier, root_fields

# value_types whose conversion never raises on JSON values (the others parse, and may raise
# exactly where Custodian raises, so they must be evaluated exactly where Custodian would).
TOTAL_TYPES = frozenset({None, "normalize", "integer", "float", "size", "unique_size", "swap"})
SUPPORTED_TYPES = TOTAL_TYPES | {"cidr", "cidr_size", "date", "version", "expr"}
UNSUPPORTED_KEYS = ("value_from", "value_path", "tag_key_transforms")


def _operators() -> Mapping[str, Callable[[Any, Any], Any]]:
    from c7n.filters.core import OPERATORS

    operators: Mapping[str, Callable[[Any, Any], Any]] = OPERATORS
    return operators


def _tag_getter(key: str) -> Getter:
    """``tag:K``: the value of the first tag K, as ``BaseValueFilter`` reads AWS/GCP/Azure tags."""
    tag = key.split(":", 1)[1]

    def get(item: Mapping[str, Any]) -> Any:
        if "Tags" in item:
            for t in item.get("Tags", []):
                if t.get("Key") == tag:
                    return t.get("Value")
            return None
        if "labels" in item:
            return item.get("labels", {}).get(tag, None)
        if "tags" in item:
            return (item.get("tags", {}) or {}).get(tag, None)
        return None

    return get


def key_getter(key: str) -> tuple[Getter, bool]:
    """Custodian's read of ``key`` and whether it never raises on well-formed items (items
    whose ``Tags`` is a list of objects: the native engine checks that before it runs)."""
    if key.startswith("tag:"):
        return _tag_getter(key), True
    return field_getter(key)


class ValueTest:
    """One ``value`` filter: ``test(item)`` is ``ValueFilter.match(item)``, as a truth value.

    ``key`` is what Custodian records in ``c7n:MatchedFilters`` when it matches; ``reads`` the
    top-level keys of the item it can see; ``total`` whether it never raises on well-formed
    items (then it may be skipped where its answer cannot matter); ``flat`` whether it reads
    plain top-level keys only (``item.get``), and ``single_key`` the one key whose value alone
    decides it, when there is one; ``literal`` the filter's value, and ``plain_vtype`` whether it
    is compared as it is (no ``value_type``, no ``value_regex``).
    """

    __slots__ = (
        "_get",
        "_in_op",
        "_op",
        "_regex",
        "_v",
        "_vtype",
        "_x",
        "flat",
        "key",
        "literal",
        "plain_vtype",
        "reads",
        "single_key",
        "total",
    )

    def __init__(self, data: Mapping[str, Any]) -> None:
        if not isinstance(data, Mapping):
            raise Unsupported("a value filter that is not a mapping")
        if data.get("value_type") == "resource_count":
            raise Unsupported("value_type resource_count")
        present = [k for k in UNSUPPORTED_KEYS if k in data]
        if present:
            raise Unsupported(f"value filter option {present[0]}")
        key: Any
        if len(data) == 1:  # the short form {key: value}, as ValueFilter.match reads it
            [(key, value)] = data.items()
            op, vtype = None, None
        else:
            key, op, value, vtype = (
                data.get("key"),
                data.get("op"),
                data.get("value"),
                data.get("value_type"),
            )
        if not isinstance(key, str):
            raise Unsupported(f"value filter key {key!r}")
        if vtype not in SUPPORTED_TYPES:
            raise Unsupported(f"value_type {vtype}")
        operators = _operators()
        if op is not None and op not in operators:
            raise Unsupported(f"op {op!r}")
        regex = data.get("value_regex")
        if regex is not None and not isinstance(regex, str):
            raise Unsupported("a value_regex that is not a string")
        self.key = key
        self._get, getter_total = key_getter(key)
        self._op = operators[op] if op is not None else None
        self._in_op = op in ("in", "not-in")
        self._v = value
        self._vtype = vtype
        self._regex = None
        if regex is not None:
            from c7n.filters.core import ValueRegex

            self._regex = ValueRegex(regex)
        reads = set(root_fields(key))
        self._x: Getter | None = None
        if vtype == "expr":  # the value is another key of the same item
            if not isinstance(value, str):
                raise Unsupported("value_type expr with a value that is not a key")
            self._x, _ = key_getter(value)
            reads |= root_fields(value)
        self.reads = frozenset(reads)
        self.literal = value
        self.plain_vtype = vtype is None and regex is None
        self.flat = is_identifier(key) and (vtype != "expr" or is_identifier(value))
        self.single_key = key if is_identifier(key) and vtype != "expr" else None
        self.total = (
            getter_total
            and vtype in TOTAL_TYPES
            and op != "mod"  # x % 0 raises ZeroDivisionError, which Custodian does not catch
        )

    def read(self, item: Mapping[str, Any]) -> Any:
        """The item's value for the key, after ``value_regex`` (``get_resource_value``)."""
        r = self._get(item)
        if self._regex is not None:
            r = self._regex.get_resource_value(r)
        return r

    def test(self, item: Mapping[str, Any] | None) -> bool:
        """``ValueFilter.match(item)``, as a truth value."""
        if item is None:
            return False
        r = self.read(item)
        if self._in_op and r is None:
            r = ()
        v = self._v
        if self._vtype is not None:
            v, r = self._convert(v, r, item)
        if r is None and v == "absent":
            return True
        if r is not None and v == "present":
            return True
        if v == "not-null" and r:
            return True
        if v == "empty" and not r:
            return True
        if self._op is not None:
            try:
                return bool(self._op(r, v))
            except TypeError:
                return False
        return bool(r == v)

    def _convert(self, sentinel: Any, value: Any, item: Mapping[str, Any]) -> tuple[Any, Any]:
        """``ValueFilter.process_value_type``: (the filter's value, the item's value)."""
        vtype = self._vtype
        if vtype == "normalize":
            if isinstance(value, str):
                return sentinel, value.strip().lower()
            return sentinel, value
        if vtype == "expr":
            assert self._x is not None
            sentinel = self._x(item)
            if self._regex is not None:
                sentinel = self._regex.get_resource_value(sentinel)
            return sentinel, value
        if vtype == "integer":
            try:
                value = int(str(value).strip())
            except ValueError:
                value = 0
            return sentinel, value
        if vtype == "float":
            try:
                value = float(str(value).strip())
            except ValueError:
                value = 0.0
            return sentinel, value
        if vtype == "size":
            try:
                return sentinel, len(value)
            except TypeError:
                return sentinel, 0
        if vtype == "unique_size":
            try:
                return sentinel, len(set(value))
            except TypeError:
                return sentinel, 0
        if vtype == "swap":
            return value, sentinel
        if vtype == "date":
            from c7n.utils import parse_date

            return parse_date(sentinel), parse_date(value)
        if vtype == "cidr":
            import ipaddress

            from c7n.utils import parse_cidr

            s = parse_cidr(sentinel)
            v = parse_cidr(value)
            if isinstance(s, ipaddress._BaseAddress) and isinstance(v, ipaddress._BaseNetwork):
                return v, s
            return s, v
        if vtype == "cidr_size":
            from c7n.utils import parse_cidr

            cidr = parse_cidr(value)
            if cidr:
                return sentinel, cidr.prefixlen
            return sentinel, 0
        if vtype == "version":
            from c7n.filters.core import ComparableVersion

            return ComparableVersion(sentinel), ComparableVersion(value)
        raise AssertionError(vtype)  # every supported type is handled above
