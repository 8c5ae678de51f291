"""Copies of snapshot items that a filter may annotate without touching the snapshot (pure).

Filters add top-level keys (``MatchedIpPermissions``, ``c7n:flow-logs``...) or extend
top-level lists, and build new dicts for what they examine (``expand_permissions``), so each
item and its top-level containers are copied; deeper values are shared, read-only.
``test_whole_pack_over_a_rich_snapshot_mutates_nothing`` keeps that true. A deep copy of
every item for every policy was 40% of evaluation time. Evaluation copies the items it
filters and the offline session the answers it serves (:mod:`scanner.policy.session`) the
same way, from here.
"""

from __future__ import annotations

import copy
from typing import Any


def clone_item(item: Any) -> Any:
    """One item copied two levels deep: the item and its top-level lists and dicts."""
    if isinstance(item, dict):
        return {k: v.copy() if isinstance(v, list | dict) else v for k, v in item.items()}
    return copy.deepcopy(item)


def clone_items(items: list[Any]) -> list[Any]:
    """Every item copied as :func:`clone_item` copies one."""
    return [clone_item(item) for item in items]
