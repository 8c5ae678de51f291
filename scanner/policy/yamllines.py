"""YAML loading that remembers where things are: the 1-based line of every key and list item.

Custodian's own loader rejects duplicate keys; so does this one, with the line of the
second occurrence, because a silently overwritten filter is a policy that checks less than
its author thinks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from scanner.errors import InputError


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records, per container, the line of each key or item."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        # id(container) -> (container, {key or index: line}); the container is kept so that
        # its id stays unique for as long as the loader lives.
        self.lines: dict[int, tuple[Any, dict[Any, int]]] = {}

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise InputError(f"duplicate key {key!r} (first on line {seen[key]})", None, line)
            seen[key] = line
        mapping = super().construct_mapping(node, deep=True)
        self.lines[id(mapping)] = (mapping, seen)
        return mapping

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> list[Any]:
        items = super().construct_sequence(node, deep=True)
        self.lines[id(items)] = (
            items,
            {i: n.start_mark.line + 1 for i, n in enumerate(node.value)},
        )
        return items


def _mapping(loader: _LineLoader, node: Any) -> dict[Any, Any]:
    return loader.construct_mapping(node)


def _sequence(loader: _LineLoader, node: Any) -> list[Any]:
    return loader.construct_sequence(node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


class LineMap:
    """Answers "which line is this path on?" for a document loaded by :func:`load_yaml`."""

    def __init__(self, root: Any, lines: dict[int, tuple[Any, dict[Any, int]]]) -> None:
        self.root = root
        self._lines = lines

    def line_of(self, path: Sequence[Any]) -> int:
        """The line of the deepest element of ``path`` that exists (1 when none does)."""
        line = 1
        node = self.root
        for step in path:
            entry = self._lines.get(id(node))
            if entry is None or step not in entry[1]:
                break
            line = entry[1][step]
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                break
        return line


def load_yaml(text: str, path: str) -> tuple[Any, LineMap]:
    """Parse ``text``; a syntax error or duplicate key is an InputError at its line."""
    loader = _LineLoader(text)
    try:
        data = loader.get_single_data()
    except InputError as exc:
        raise InputError(exc.message, path, exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = exc.problem or exc.context or "invalid YAML"
        raise InputError(f"YAML syntax error: {reason}", path, line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", path, 1) from None
    finally:
        loader.dispose()
    return data, LineMap(data, loader.lines)
