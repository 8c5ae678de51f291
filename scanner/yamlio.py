"""YAML in and out, with the line of every mapping key and list item kept for error messages
and for locating findings at file:line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

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


class _SafeLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys instead of keeping the last one silently."""


def _construct(node: yaml.Node, path: PathKey, lines: LineIndex, file: str) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _SafeLoader("").construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                raise InputError("mapping keys must be scalars", file, key_node.start_mark.line + 1)
            line = key_node.start_mark.line + 1
            if key in result:
                first = lines.get((*path, key))
                raise InputError(f"duplicate key {key!r} (first on line {first})", file, line)
            lines[(*path, key)] = line
            result[key] = _construct(value_node, (*path, key), lines, file)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(child, (*path, index), lines, file) for index, child in enumerate(node.value)
        ]
    return _SafeLoader("").construct_object(node, deep=True)


def load_with_lines(text: str, file: str) -> tuple[Any, LineIndex]:
    """Parse one YAML document; return the data and {path-of-keys: 1-based line}.

    A syntax error or a duplicate key is an InputError naming the file and line.
    """
    try:
        node = yaml.compose(text, Loader=_SafeLoader)
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
        return _construct(node, (), lines, file), lines
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


class _Dumper(yaml.SafeDumper):
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
