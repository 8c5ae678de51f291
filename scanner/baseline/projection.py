"""Per resource type, the fields that define the network, in a canonical form.

A projection keeps what a reviewer must approve (rules, routes, entries, attachments, tags)
and leaves out what churns (timestamps, transient states, counters). Lists whose order means
nothing are sorted; NACL entries keep rule-number order. Flattened rules (one entry per
protocol/ports/source) make a rule-level diff a set difference. Each type's projection is
declared with the rest of its facts in ``scanner/resources/``.
"""

from __future__ import annotations

from scanner import resources
from scanner.resources.base import Fields, Item, KeyFunc, Projection

__all__ = ["KeyFunc", "Projection", "is_live", "is_projected", "project", "projection_of"]


def is_projected(rtype: str) -> bool:
    """True for a type the baseline describes (every type in the catalog)."""
    return rtype in resources.CATALOG


def projection_of(rtype: str) -> Projection:
    return resources.get(rtype).projection


def project(rtype: str, item: Fields) -> Item:
    """The baseline fields of one raw item (no None values, canonical order)."""
    fields = projection_of(rtype).project(item)
    return {key: value for key, value in fields.items() if value is not None}


def is_live(rtype: str, item: Fields) -> bool:
    return projection_of(rtype).is_live(item)
