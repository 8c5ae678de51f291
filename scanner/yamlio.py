"""YAML in and out, with the line of every mapping key and list item kept for error messages
and for locating findings at file:line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from scanner import fastyaml
from scanner.errors import InputError

PathKey = tuple[Any, ...]


class LineIndex(dict[PathKey, int]):
    """{path of keys and list indexes: 1-based line} for one loaded document."""

    def line_of(self, path: Sequence[Any]) -> int:
        """The line of the deepest element of ``path`` that exists (1 when none does)."""
        for end in range(len(path), 0, -1):
            line = self.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


# libyaml parses and emits several times faster than pure Python; the output is the same.
_LoaderBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DumperBase: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_STR = "tag:yaml.org,2002:str"


class _Loader(_LoaderBase):
    """The safe loader, resolving each distinct plain scalar's tag once per document (a
    baseline repeats the same protocols, ports and CIDRs thousands of times)."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._tags: dict[tuple[Any, ...], str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        # The safe loader has no path resolvers, so a scalar's tag depends on its text alone.
        key = (value, implicit)
        tag = self._tags.get(key)
        if tag is None:
            tag = self._tags[key] = super().resolve(kind, value, implicit)
        return tag


class _Scalars:
    """Constructs scalar nodes with one SafeConstructor (plain strings directly), handing out
    one str object per distinct text: a parsed baseline repeats every field name and most
    values thousands of times, and sharing them halves its memory."""

    def __init__(self) -> None:
        self._constructor = yaml.constructor.SafeConstructor()
        self._strings: dict[str, str] = {}

    def value(self, node: yaml.Node) -> Any:
        if node.tag == _STR:
            text: str = node.value
            return self._strings.setdefault(text, text)
        try:
            return self._constructor.construct_object(node, deep=True)
        except (ValueError, TypeError, OverflowError) as exc:  # e.g. 2000-01-00
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a valid {node.tag}: {exc}", node.start_mark
            ) from None


def _construct(root: yaml.Node, lines: LineIndex, file: str, line_depth: int | None) -> Any:
    """The document's data, recording the line of every key and item down to ``line_depth``
    levels (all when None); iterative, so deep documents cannot hit the recursion limit."""
    scalars = _Scalars()
    lines[()] = root.start_mark.line + 1
    deepest = line_depth if line_depth is not None else 1 << 30

    def build(node: yaml.Node, path: PathKey | None, pending: list[Any]) -> Any:
        if isinstance(node, yaml.MappingNode):
            mapping: dict[Any, Any] = {}
            pending.append((node, path, mapping))
            return mapping
        if isinstance(node, yaml.SequenceNode):
            items: list[Any] = []
            pending.append((node, path, items))
            return items
        return scalars.value(node)

    pending: list[Any] = []
    result = build(root, (), pending)
    while pending:
        node, path, container = pending.pop()
        # Below the recorded depth the path is not needed: None stands for it.
        record = path is not None and len(path) < deepest
        if isinstance(container, dict):
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    raise InputError("mapping keys must be scalars", file, line)
                key = scalars.value(key_node)
                if key in container:
                    first = _first_line_of(node, key, scalars)
                    raise InputError(f"duplicate key {key!r} (first on line {first})", file, line)
                child_path = (*path, key) if record else None
                if child_path is not None:
                    lines[child_path] = line
                container[key] = build(value_node, child_path, pending)
        else:
            for index, child in enumerate(node.value):
                child_path = (*path, index) if record else None
                if child_path is not None:
                    lines[child_path] = child.start_mark.line + 1
                container.append(build(child, child_path, pending))
    return result


def _first_line_of(mapping: yaml.MappingNode, key: Any, scalars: _Scalars) -> int:
    for key_node, _ in mapping.value:
        if scalars.value(key_node) == key:
            return int(key_node.start_mark.line) + 1
    return int(mapping.start_mark.line) + 1


def load_with_lines(text: str, file: str, line_depth: int | None = None) -> tuple[Any, LineIndex]:
    """Parse one YAML document; return the data and {path-of-keys: 1-based line}, for paths
    of up to ``line_depth`` keys (every path when None).

    A syntax error or a duplicate key is an InputError naming the file and line. The YAML
    netwarden writes (baselines) is read by :mod:`scanner.fastyaml`, which gives the same
    result several times faster; anything else goes through PyYAML.
    """
    lines = LineIndex()
    fast = fastyaml.load(text, line_depth, lines)
    if fast is not None:
        return fast[0], lines
    return load_with_pyyaml(text, file, line_depth)


def load_with_pyyaml(text: str, file: str, line_depth: int | None = None) -> tuple[Any, LineIndex]:
    """:func:`load_with_lines` through PyYAML only."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"YAML syntax error: {reason}", file, line or 1) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", file, 1) from None
    lines = LineIndex()
    if node is None:
        return None, lines
    try:
        return _construct(node, lines, file, line_depth), lines
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise InputError(
            f"invalid YAML: {exc.problem}", file, mark.line + 1 if mark else None
        ) from None


def load_file_with_lines(path: str | Path) -> tuple[Any, LineIndex]:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", str(file)) from None
    return load_with_lines(text, str(file))


class _Dumper(_DumperBase):
    """Block style, no aliases, long strings kept on one line."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(data: Any) -> str:
    """Deterministic YAML: keys in the order given, no anchors, unicode kept."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=10_000,
    )
