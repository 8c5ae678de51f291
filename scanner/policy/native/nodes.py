"""A compiled filter tree: boolean blocks and the value filter.

Every filter the native engine implements decides one resource at a time from that resource
and the block's other data, so Custodian's set-at-a-time evaluation is, resource by resource:

- the policy's filter list and ``and``: each filter in turn, stopping at the first that
  rejects (Custodian passes only the survivors on);
- ``or``: *every* child (Custodian runs each child over the whole set), true when one is;
- ``not``: its children as an ``and``, negated.

Each node has two methods. ``test(item, block)`` decides, reading the original snapshot item
and never writing to it. ``annotate(item, work, block)`` is run afterwards on the resources
that matched only: it repeats the decision on ``work`` (a copy of the item) and makes exactly
the changes Custodian's filters make to the resources they process — ``c7n:MatchedFilters``
from value filters, ``MatchedIpPermissions`` and the ``c7n:*`` annotations of the other
filters, and the ``AnnotationSweeper`` of ``and``/``not`` blocks, which deletes every
``c7n*`` key and restores the ones it saw on entry when a resource leaves the block — so that
the evidence built from ``work`` is Custodian's, byte for byte.

A decision never depends on annotations: the compiler refuses a value filter whose key can see
a key that a filter of the same policy writes (or any ``c7n*`` key).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from scanner.policy.native.value import ValueTest

if TYPE_CHECKING:
    from scanner.policy.native.block import Block

Item = Mapping[str, Any]
Work = dict[str, Any]
MATCHED_FILTERS = "c7n:MatchedFilters"


class Node:
    """A compiled filter. ``total``: never raises on well-formed items, and so may be skipped
    where its answer cannot change the verdict; ``contextual``: reads other data of the block
    (and may find it missing, as Custodian's API call would); ``writes``: the annotation keys
    it may add; ``reads``: the top-level keys of the item its value filters can see."""

    total: bool = True
    contextual: bool = False
    writes: frozenset[str] = frozenset()
    reads: frozenset[str] = frozenset()

    def test(self, item: Item, block: Block) -> bool:
        raise NotImplementedError

    def annotate(self, item: Item, work: Work, block: Block) -> bool:
        raise NotImplementedError

    def positions(self, block: Block, rtype: str) -> set[int] | None:
        """The positions (in the block's items of ``rtype``) of every item that can match,
        from the block's indexes; None when every item can. Only asked of a tree that is
        total and reads no other data, where skipping an item changes nothing but time."""
        return None


def set_annotation(work: Work, key: str, value: Any) -> None:
    """``c7n.utils.set_annotation``: append to a list annotation, creating it when absent
    (and, as Custodian, leaving a key that holds something other than a list alone)."""
    values = value if isinstance(value, list) else [value]
    if key in work:
        existing = work.get(key)
        if isinstance(existing, list):
            existing.extend(values)
    else:
        work[key] = values


class Value(Node):
    """``value`` (and its short form ``{key: value}``): annotates ``c7n:MatchedFilters``."""

    writes = frozenset({MATCHED_FILTERS})

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.value = ValueTest(data)
        self.total = self.value.total
        self.reads = self.value.reads

    def test(self, item: Item, block: Block) -> bool:
        return self.value.test(item)

    def annotate(self, item: Item, work: Work, block: Block) -> bool:
        matched = self.value.test(item)
        if matched:
            set_annotation(work, MATCHED_FILTERS, self.value.key)
        return matched


class Group(Node):
    """Shared by the boolean blocks: what the children say about themselves."""

    def __init__(self, children: Sequence[Node]) -> None:
        self.children = tuple(children)
        self.total = all(c.total for c in self.children)
        self.contextual = any(c.contextual for c in self.children)
        self.writes = frozenset().union(*(c.writes for c in self.children))
        self.reads = frozenset().union(*(c.reads for c in self.children))

    def _all(self, item: Item, block: Block) -> bool:
        return all(child.test(item, block) for child in self.children)

    def _all_annotated(self, item: Item, work: Work, block: Block) -> bool:
        return all(child.annotate(item, work, block) for child in self.children)


def _intersection(found: list[set[int] | None]) -> set[int] | None:
    known = [f for f in found if f is not None]
    return set.intersection(*known) if known else None


class Filters(Group):
    """The policy's ``filters`` list (``ResourceManager.filter_resources``): no sweeping."""

    def positions(self, block: Block, rtype: str) -> set[int] | None:
        return _intersection([c.positions(block, rtype) for c in self.children])

    def test(self, item: Item, block: Block) -> bool:
        return self._all(item, block)

    def annotate(self, item: Item, work: Work, block: Block) -> bool:
        return self._all_annotated(item, work, block)


def _c7n_keys(work: Work) -> dict[str, Any]:
    return copy.deepcopy({k: v for k, v in work.items() if k.startswith("c7n")})


def _sweep(work: Work, saved: dict[str, Any]) -> None:
    """``AnnotationSweeper.sweep`` for one resource that left the block."""
    for key in [k for k in work if k.startswith("c7n")]:
        del work[key]
    work.update(saved)


class And(Group):
    def positions(self, block: Block, rtype: str) -> set[int] | None:
        return _intersection([c.positions(block, rtype) for c in self.children])

    def test(self, item: Item, block: Block) -> bool:
        return self._all(item, block)

    def annotate(self, item: Item, work: Work, block: Block) -> bool:
        saved = _c7n_keys(work)
        matched = self._all_annotated(item, work, block)
        if not matched:
            _sweep(work, saved)
        return matched


class Or(Group):
    def __init__(self, children: Sequence[Node]) -> None:
        super().__init__(children)
        # Custodian runs every child over the whole set: stopping at the first true child is
        # only the same when the others cannot raise and ask for no data of the block.
        self._short = self.total and not self.contextual

    def test(self, item: Item, block: Block) -> bool:
        if self._short:
            return any(child.test(item, block) for child in self.children)
        return any([child.test(item, block) for child in self.children])

    def annotate(self, item: Item, work: Work, block: Block) -> bool:
        return any([child.annotate(item, work, block) for child in self.children])

    def positions(self, block: Block, rtype: str) -> set[int] | None:
        found = [c.positions(block, rtype) for c in self.children]
        if any(f is None for f in found):
            return None
        return set().union(*found)  # type: ignore[arg-type]


class Not(Group):
    def test(self, item: Item, block: Block) -> bool:
        return not self._all(item, block)

    def annotate(self, item: Item, work: Work, block: Block) -> bool:
        saved = _c7n_keys(work)
        matched = not self._all_annotated(item, work, block)
        _sweep(work, saved)  # sweep([]): every resource, whatever the outcome
        return matched
