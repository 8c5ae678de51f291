"""The snapshot's shape, checked against its JSON Schema (scanner/schemas/snapshot.schema.json).

A snapshot is input: a file someone passes around, edits or forges. Every reader below
``snapshot.load`` indexes into items (``item["GroupId"]``, ``for p in item["IpPermissions"]``)
and would answer a wrong shape with a traceback; here it is exit 2 naming the JSON path.

Cost: ``jsonschema`` walks about 450 items a second on this schema (a 100k-resource snapshot
would take minutes), so it checks only the skeleton (accounts, regions, the resource lists,
errors). The items are checked by :func:`compile_check`, which turns the same schema's item
definitions into closures (type, properties, required, items, additionalProperties, $ref:
the keywords the schema uses) with jsonschema's semantics; tests/unit/core prove the two agree
on generated items. A property the schema does not name is not walked; its value is carried
as it is (no reader looks into it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from scanner import jsonpath
from scanner.errors import InputError

# (message, path from the checked value to the fault, innermost step first)
Fault = tuple[str, list[object]]
Check = Callable[[Any], Fault | None]

_JSON_TYPES: dict[type, str] = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}
_COMPILING: Any = object()
_ARTICLE = {"object": "an", "array": "an", "integer": "an"}


def _named(kind: str) -> str:
    return f"{_ARTICLE.get(kind, 'a')} {kind}"


def _found(value: Any) -> str:
    return _named(_JSON_TYPES.get(type(value), type(value).__name__))


@cache
def schema() -> dict[str, Any]:
    """The snapshot format's JSON Schema, shipped with the package."""
    text = resources.files("scanner").joinpath("schemas/snapshot.schema.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def id_keys() -> dict[str, str]:
    """Resource type -> the item key that identifies it (the schema's ``x-netwarden-id``)."""
    defs = schema()["$defs"]
    return {
        name: defs[name]["x-netwarden-id"]
        for name in defs["resources"]["properties"]
        if "x-netwarden-id" in defs[name]
    }


def _is_integer(value: Any) -> bool:
    # jsonschema's "integer": an int that is not a bool, or a float with no fraction.
    kind = type(value)
    return kind is int or (kind is float and value.is_integer())


_SCALAR_TESTS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: type(v) is str,
    "boolean": lambda v: type(v) is bool,
    "integer": _is_integer,
    "number": lambda v: type(v) in (int, float),
}


def compile_check(node: Mapping[str, Any], defs: Mapping[str, Any]) -> Check | None:
    """A function answering the first fault of a value against ``node`` (None: valid), or
    None when ``node`` accepts anything."""
    return _compile(node, defs, {})


def _compile(
    node: Mapping[str, Any], defs: Mapping[str, Any], compiled: dict[str, Any]
) -> Check | None:
    ref = node.get("$ref")
    if ref is not None:
        name = ref.rsplit("/", 1)[-1]
        if name not in compiled:
            compiled[name] = _COMPILING
            compiled[name] = _compile(defs[name], defs, compiled)
        if compiled[name] is not _COMPILING:
            return compiled[name]

        def by_ref(value: Any) -> Fault | None:
            # A shape that contains itself: its check exists only once compilation is done.
            check = compiled[name]
            return check(value) if check else None

        return by_ref
    kind = node.get("type")
    if kind is None:
        return None
    if kind in _SCALAR_TESTS:
        test = _SCALAR_TESTS[kind]
        expected = f"expected {_named(kind)}"

        def scalar(value: Any) -> Fault | None:
            return None if test(value) else (f"{expected}, found {_found(value)}", [])

        return scalar
    if kind == "array":
        return _array(node, defs, compiled)
    if kind == "object":
        return _object(node, defs, compiled)
    raise ValueError(f"the snapshot schema uses a type this checker does not know: {kind}")


def _array(node: Mapping[str, Any], defs: Mapping[str, Any], compiled: dict[str, Any]) -> Check:
    member = _compile(node.get("items", {}), defs, compiled)

    def array(value: Any) -> Fault | None:
        if type(value) is not list:
            return f"expected an array, found {_found(value)}", []
        if member is not None:
            for index, element in enumerate(value):
                fault = member(element)
                if fault:
                    fault[1].append(index)
                    return fault
        return None

    return array


class _Absent:
    """The value of a property an object does not have (any type test passes it)."""


_ABSENT = _Absent()
# The Python types each scalar JSON type admits at once (a float needs a closer look).
_FAST_TYPES: dict[str, frozenset[type]] = {
    "string": frozenset({str, _Absent}),
    "boolean": frozenset({bool, _Absent}),
    "integer": frozenset({int, _Absent}),
    "number": frozenset({int, float, _Absent}),
}


def _object(node: Mapping[str, Any], defs: Mapping[str, Any], compiled: dict[str, Any]) -> Check:
    # Scalar properties (most of an item) are tested inline against a set of types: a
    # function call per field doubled the cost of loading a 100k-resource snapshot.
    required = tuple(node.get("required", ()))
    scalars = []
    nested = []
    for key, sub in node.get("properties", {}).items():
        check = _compile(sub, defs, compiled)
        if check is None:
            continue
        if set(sub) == {"type"} and sub["type"] in _FAST_TYPES:
            scalars.append((key, _FAST_TYPES[sub["type"]], check))
        else:
            nested.append((key, check))
    extra = node.get("additionalProperties")
    others = _compile(extra, defs, compiled) if isinstance(extra, Mapping) else None
    named = frozenset(node.get("properties", {}))

    def obj(value: Any) -> Fault | None:
        if type(value) is not dict:
            return f"expected an object, found {_found(value)}", []
        for key in required:
            if key not in value:
                return f"missing {key!r}", []
        get = value.get
        for key, fast, check in scalars:
            if type(get(key, _ABSENT)) not in fast:
                fault = check(value[key])
                if fault:
                    fault[1].append(key)
                    return fault
        for key, check in nested:
            if key in value:
                fault = check(value[key])
                if fault:
                    fault[1].append(key)
                    return fault
        if others is not None:
            for key, element in value.items():
                if key not in named:
                    fault = others(element)
                    if fault:
                        fault[1].append(key)
                        return fault
        return None

    return obj


@cache
def _skeleton_validator() -> Any:
    import jsonschema  # only where a snapshot file is read: it costs startup time

    full = schema()
    defs = dict(full["$defs"])
    # The resource lists are checked as lists here; their items by the compiled checks.
    defs["resources"] = {"type": "object", "additionalProperties": {"type": "array"}}
    return jsonschema.Draft202012Validator({**full, "$defs": defs})


@cache
def _item_checks() -> dict[str, Any]:
    defs = schema()["$defs"]
    resources_node = defs["resources"]
    checks = {
        name: compile_check(node, defs) for name, node in resources_node["properties"].items()
    }
    checks[""] = compile_check(resources_node["additionalProperties"], defs)
    return checks


@cache
def _fast_checks() -> dict[str, Callable[[Any], bool]]:
    defs = schema()["$defs"]
    resources_node = defs["resources"]
    checks = {name: compile_fast(node, defs) for name, node in resources_node["properties"].items()}
    checks[""] = compile_fast(resources_node["additionalProperties"], defs)
    return checks


def _skeleton_message(error: Any) -> str:
    where = jsonpath.render(error.absolute_path)
    if error.validator == "type":
        expected = _named(str(error.validator_value))
        return f"{where}: expected {expected}, found {_found(error.instance)}"
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        return f"{where}: missing {missing[0]!r}"
    if error.validator == "const":
        return f"{where}: expected {json.dumps(error.validator_value)}"
    return f"{where}: does not match the snapshot format ({error.validator})"


def check(data: Any, file: str) -> None:
    """Raise InputError naming the JSON path of the first shape fault in ``data``, or of the
    second item with an id already seen in the same account, region and type."""
    errors = sorted(_skeleton_validator().iter_errors(data), key=lambda e: list(map(str, e.path)))
    if errors:
        raise InputError(_skeleton_message(errors[0]), file)
    fast = _fast_checks()
    keys = id_keys()
    for account, account_data in data["accounts"].items():
        for region, region_data in account_data.get("regions", {}).items():
            for rtype, items in region_data.get("resources", {}).items():
                where = ["accounts", account, "regions", region, "resources", rtype]
                if not fast.get(rtype, fast[""])(items):
                    _locate(items, rtype, where, file)
                if rtype in keys:
                    _check_unique(items, keys[rtype], where, file)


def _locate(items: Any, rtype: str, where: list[object], file: str) -> None:
    """Raise the InputError that names the fault the fast test found (if it is one)."""
    checks = _item_checks()
    check_items = checks.get(rtype, checks[""])
    fault = check_items(items) if check_items else None
    if fault:
        message, steps = fault
        raise InputError(f"{jsonpath.render(where + steps[::-1])}: {message}", file)


def _check_unique(items: list[Any], key: str, where: list[object], file: str) -> None:
    ids = [item[key] for item in items]
    if len(set(ids)) == len(ids):
        return
    seen: set[str] = set()
    for index, rid in enumerate(ids):
        if rid in seen:
            at = jsonpath.render([*where, index])
            raise InputError(
                f"{at}: a second item with the {key} {json.dumps(rid)}"
                " (AWS lists each resource once; was the file edited or merged?)",
                file,
            )
        seen.add(rid)


# --- The fast path --------------------------------------------------------------------------
# The closures above cost as much as parsing the file (100k resources: +3.3 s on 3.6 s): a
# call per object and per array, a loop over tuples per property. The items are therefore
# first checked by Python source generated from the same definitions, which only answers
# "valid or not" with the type tests inlined and the loops in C (map, all). Only an item it
# rejects goes through the closures, which name the fault (or find none: the fast test
# rejects a float where an integer belongs; jsonschema accepts 22.0, and so do they).


class _Source:
    def __init__(self, defs: Mapping[str, Any]) -> None:
        self.defs = defs
        self.functions: dict[str, str] = {}  # definition name -> generated function name
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {"_ABSENT": _ABSENT}
        self.defined: list[str] = []

    def constant(self, value: Any) -> str:
        for name, known in self.constants.items():
            if known is value or known == value:
                return name
        name = f"_c{len(self.constants)}"
        self.constants[name] = value
        return name

    def function(self, name: str) -> str:
        if name not in self.functions:
            self.functions[name] = f"_f{len(self.functions)}"
            self._define(self.functions[name], self.defs[name])
        return self.functions[name]

    def _define(self, fname: str, node: Mapping[str, Any]) -> None:
        body: list[str] = []
        self._test(node, "v", body, "    ", 0)
        # Constants and the functions already defined become default arguments: a local
        # is read faster than a global, and these run once per object.
        text = "\n".join(body)
        bound = [n for n in [*self.constants, *self.defined] if re.search(rf"\b{n}\b", text)]
        signature = ", ".join(["v", *(f"{n}={n}" for n in bound)])
        self.lines += [f"def {fname}({signature}):", *body, "    return True", ""]
        self.defined.append(fname)

    def checker(self, node: Mapping[str, Any]) -> str | None:
        """An expression naming a one-argument function that tests ``node`` (None: any)."""
        if "$ref" in node:
            return self.function(node["$ref"].rsplit("/", 1)[-1])
        kind = node.get("type")
        if kind is None:
            return None
        if kind in _FAST_TYPES:
            types_ = self.constant(_FAST_TYPES[kind] - {_Absent})
            return f"(lambda e: type(e) in {types_})"
        fname = f"_f{len(self.functions)}"
        self.functions[f"#{fname}"] = fname
        self._define(fname, node)
        return fname

    def _test(
        self, node: Mapping[str, Any], var: str, out: list[str], pad: str, depth: int
    ) -> None:
        if "$ref" in node:
            out.append(f"{pad}if not {self.checker(node)}({var}): return False")
            return
        kind = node.get("type")
        if kind is None:
            return
        if kind in _FAST_TYPES:
            types_ = self.constant(_FAST_TYPES[kind] - {_Absent})
            out.append(f"{pad}if type({var}) not in {types_}: return False")
        elif kind == "array":
            out.append(f"{pad}if type({var}) is not list: return False")
            member = node.get("items", {})
            # An empty list (most of a rule's source lists) is valid whatever its members'
            # shape: tested by its truth, without building a map for nothing.
            if member.get("type") in _FAST_TYPES and set(member) == {"type"}:
                types_ = self.constant(_FAST_TYPES[member["type"]] - {_Absent})
                out.append(f"{pad}if {var} and not set(map(type, {var})) <= {types_}: return False")
            elif (check := self.checker(member)) is not None:
                out.append(f"{pad}if {var} and not all(map({check}, {var})): return False")
        elif kind == "object":
            self._object(node, var, out, pad, depth)
        else:
            raise ValueError(f"the snapshot schema uses a type this checker does not know: {kind}")

    def _object(
        self, node: Mapping[str, Any], var: str, out: list[str], pad: str, depth: int
    ) -> None:
        out.append(f"{pad}if type({var}) is not dict: return False")
        for key in node.get("required", ()):
            out.append(f"{pad}if {key!r} not in {var}: return False")
        get = f"g{depth}"
        properties = node.get("properties", {})
        if properties:
            out.append(f"{pad}{get} = {var}.get")
        for index, (key, sub) in enumerate(properties.items()):
            if sub.get("type") in _FAST_TYPES and set(sub) == {"type"}:
                types_ = self.constant(_FAST_TYPES[sub["type"]])
                out.append(f"{pad}if type({get}({key!r}, _ABSENT)) not in {types_}: return False")
                continue
            inner: list[str] = []
            value = f"x{depth}_{index}"
            self._test(sub, value, inner, pad + "    ", depth + 1)
            if inner:
                out.append(f"{pad}{value} = {get}({key!r}, _ABSENT)")
                out.append(f"{pad}if {value} is not _ABSENT:")
                out.extend(inner)
        extra = node.get("additionalProperties")
        if isinstance(extra, Mapping) and (check := self.checker(extra)) is not None:
            named = self.constant(frozenset(properties))
            out.append(
                f"{pad}if not all({check}(e) for k, e in {var}.items() if k not in {named}):"
                " return False"
            )


def compile_fast(node: Mapping[str, Any], defs: Mapping[str, Any]) -> Callable[[Any], bool]:
    """A function that is True for every value valid against ``node``, and for no invalid
    one; it may also be False for a valid value (an integer written as 22.0)."""
    source = _Source(defs)
    source._define("_entry", node)
    namespace = dict(source.constants)
    exec(compile("\n".join(source.lines), "<snapshot schema>", "exec"), namespace)
    entry: Callable[[Any], bool] = namespace["_entry"]
    return entry
