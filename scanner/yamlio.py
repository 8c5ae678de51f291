"""YAML in and out, with the line of every mapping key and list item kept for error messages
and for locating findings at file:line."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from scanner import fastyaml
from scanner.errors import InputError
from scanner.fileio import read_input

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


# Deeper than this is not a policy, a baseline or an accounts file, and deep enough to
# exhaust the C stack of PyYAML's recursive composer (50,000 ``[`` segfault the process) or
# the recursion limit of whatever walks the data afterwards.
MAX_DEPTH = fastyaml.MAX_DEPTH


class _Composer:
    """The document's node graph from the parser's events, as ``yaml.compose`` builds it,
    but iteratively and at most :data:`MAX_DEPTH` collections deep. Each distinct plain
    scalar's tag is resolved once per document (a baseline repeats the same protocols,
    ports and CIDRs thousands of times); the safe loader has no path resolvers, so a
    scalar's tag depends on its text alone."""

    def __init__(self, file: str) -> None:
        self._file = file
        self._resolver = yaml.resolver.Resolver()
        self._tags: dict[tuple[Any, ...], str] = {}

    def _scalar_tag(self, event: yaml.ScalarEvent) -> str:
        if event.tag is not None and event.tag != "!":
            return str(event.tag)
        key = (event.value, event.implicit)
        tag = self._tags.get(key)
        if tag is None:
            tag = self._tags[key] = self._resolver.resolve(
                yaml.ScalarNode, event.value, event.implicit
            )
        return tag

    def _collection_tag(self, event: Any, kind: type[yaml.Node]) -> str:
        if event.tag is not None and event.tag != "!":
            return str(event.tag)
        return str(self._resolver.resolve(kind, None, event.implicit))

    def compose(self, text: str) -> yaml.Node | None:
        anchors: dict[str, yaml.Node] = {}
        stack: list[yaml.Node] = []  # open collections, innermost last
        keys: list[yaml.Node | None] = []  # per open mapping: its key awaiting a value
        root: yaml.Node | None = None
        documents = 0
        # Any: the stubs type an event's marks as the pure-Python or the C parser's.
        events: Iterator[Any] = yaml.parse(text, Loader=_LoaderBase)
        for event in events:
            start, end = event.start_mark, event.end_mark
            node: yaml.Node
            if isinstance(event, yaml.AliasEvent):
                if event.anchor not in anchors:
                    raise yaml.composer.ComposerError(
                        None, None, f"found undefined alias {event.anchor!r}", start
                    )
                node = anchors[event.anchor]
            elif isinstance(event, yaml.ScalarEvent):
                node = yaml.ScalarNode(
                    self._scalar_tag(event),
                    event.value,
                    start,
                    end,
                    style=event.style,
                )
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise InputError(
                        f"nested more than {MAX_DEPTH} levels deep",
                        self._file,
                        int(start.line) + 1,
                    )
                kind = (
                    yaml.SequenceNode
                    if isinstance(event, yaml.SequenceStartEvent)
                    else yaml.MappingNode
                )
                node = kind(
                    self._collection_tag(event, kind),
                    [],
                    start,
                    None,
                    flow_style=event.flow_style,
                )
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                stack.pop().end_mark = end
                if isinstance(event, yaml.MappingEndEvent):
                    keys.pop()
                continue
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise yaml.composer.ComposerError(
                        "expected a single document in the stream",
                        root.start_mark if root is not None else None,
                        "but found another document",
                        start,
                    )
                continue
            else:  # stream start and end, document end
                continue
            anchor = getattr(event, "anchor", None)
            if anchor is not None and not isinstance(event, yaml.AliasEvent):
                if anchor in anchors:
                    first = anchors[anchor].start_mark.line + 1
                    raise yaml.composer.ComposerError(
                        None,
                        None,
                        f"duplicate anchor {anchor!r} (first on line {first})",
                        start,
                    )
                anchors[anchor] = node
            self._attach(node, stack, keys)
            if root is None:
                root = node
            if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and not isinstance(
                event, yaml.AliasEvent
            ):
                stack.append(node)
                if isinstance(node, yaml.MappingNode):
                    keys.append(None)
        return root

    @staticmethod
    def _attach(node: yaml.Node, stack: list[yaml.Node], keys: list[yaml.Node | None]) -> None:
        if not stack:
            return
        parent = stack[-1]
        if isinstance(parent, yaml.SequenceNode):
            parent.value.append(node)
        elif keys[-1] is None:
            keys[-1] = node
        else:
            parent.value.append((keys[-1], node))
            keys[-1] = None


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


# How many nodes aliases may add to a document in all. A policy pack shares a port list
# or a filter block by anchor and alias (tens of nodes); nine nested aliases of nine
# ("billion laughs") would add 10**9 and exhaust memory in every consumer of the data.
ALIAS_BUDGET = 100_000


def _check_aliases(root: yaml.Node, text: str, file: str) -> None:
    """Refuse a document whose aliases expand beyond :data:`ALIAS_BUDGET` nodes, or refer
    to a node they are inside of (an infinite document); InputError at the alias's line.

    The composed document is a graph: an alias is the same node object met again. One walk
    in document order with the expanded size of each node memoised counts the expansion
    without performing it, so the check costs one visit per distinct node."""
    sizes: dict[int, int] = {}  # id(node): its expanded size in nodes, once walked
    open_nodes: set[int] = set()  # nodes whose walk has begun but not ended
    aliases = added = 0
    stack: list[tuple[yaml.Node, Iterator[yaml.Node], list[int]]] = []

    def children(node: yaml.Node) -> Iterator[yaml.Node]:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                yield key
                yield value
        elif isinstance(node, yaml.SequenceNode):
            yield from node.value

    def enter(node: yaml.Node) -> None:
        open_nodes.add(id(node))
        stack.append((node, children(node), [1]))

    enter(root)
    while stack:
        node, pending, total = stack[-1]
        child = next(pending, None)
        if child is None:
            stack.pop()
            open_nodes.discard(id(node))
            sizes[id(node)] = total[0]
            if stack:
                stack[-1][2][0] += total[0]
            continue
        known = sizes.get(id(child))
        if known is not None:  # met before: this occurrence is an alias
            aliases += 1
            added += known
            total[0] += known
            if added > ALIAS_BUDGET:
                raise InputError(
                    f"YAML aliases expand to more than {ALIAS_BUDGET} nodes "
                    "(write the values out instead of nesting aliases)",
                    file,
                    _alias_line(text, aliases),
                )
        elif id(child) in open_nodes:
            raise InputError(
                "recursive YAML alias: it refers to a node it is inside of",
                file,
                _alias_line(text, aliases + 1),
            )
        elif isinstance(child, yaml.ScalarNode):
            sizes[id(child)] = 1
            total[0] += 1
        else:
            enter(child)


def _alias_line(text: str, number: int) -> int | None:
    """The line of the ``number``-th alias (1-based) in the text: the walk above meets the
    aliases in document order, as the parser emits them."""
    seen = 0
    events: Iterator[Any] = yaml.parse(text, Loader=_LoaderBase)
    for event in events:
        if isinstance(event, yaml.AliasEvent):
            seen += 1
            if seen == number:
                mark: Any = event.start_mark
                return int(mark.line) + 1
    return None


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
        node = _Composer(file).compose(text)
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
    _check_aliases(node, text, file)
    try:
        return _construct(node, lines, file, line_depth), lines
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise InputError(
            f"invalid YAML: {exc.problem}", file, mark.line + 1 if mark else None
        ) from None


def load_file_with_lines(path: str | Path) -> tuple[Any, LineIndex]:
    file = Path(path)
    return load_with_lines(read_input(file, "file"), str(file))


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
