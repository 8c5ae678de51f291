"""Field- and rule-level changes between two projections of one resource, and their inverse
(applying changes to the old side gives the new side). Pure functions over plain data."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from scanner.resources.base import KeyFunc

ChangeKind = Literal["added", "removed", "modified"]
PathPart = str | int


@dataclass(frozen=True)
class Change:
    """One change inside a resource.

    ``element`` changes are items added to, removed from or changed inside a list (a
    security-group rule, a route, a NACL entry, an associated subnet); the others are fields.
    """

    path: tuple[PathPart, ...]
    change: ChangeKind
    old: Any = None
    new: Any = None
    element: bool = False

    @property
    def field(self) -> str:
        return ".".join(str(part) for part in self.path)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "change": self.change}
        if self.element:
            out["element"] = True
        if self.change != "added":
            out["old"] = self.old
        if self.change != "removed":
            out["new"] = self.new
        return out


def _is_scalar_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, dict | list) for v in value)


def _diff_keyed(
    path: tuple[PathPart, ...], old: list[Any], new: list[Any], key: KeyFunc
) -> list[Change]:
    old_by_key = {key(item): item for item in old}
    new_by_key = {key(item): item for item in new}
    changes = []
    for k in sorted(old_by_key.keys() | new_by_key.keys(), key=repr):
        before, after = old_by_key.get(k), new_by_key.get(k)
        if after is None:
            changes.append(Change(path, "removed", old=before, element=True))
        elif before is None:
            changes.append(Change(path, "added", new=after, element=True))
        elif before != after:
            changes.append(Change(path, "modified", old=before, new=after, element=True))
    return changes


def _diff_set(path: tuple[PathPart, ...], old: list[Any], new: list[Any]) -> list[Change]:
    removed = sorted(set(old) - set(new), key=repr)
    added = sorted(set(new) - set(old), key=repr)
    return [Change(path, "removed", old=v, element=True) for v in removed] + [
        Change(path, "added", new=v, element=True) for v in added
    ]


def diff_fields(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    keyed_lists: Mapping[str, KeyFunc] | None = None,
    path: tuple[PathPart, ...] = (),
) -> list[Change]:
    """Every change from ``old`` to ``new``; unordered lists compare as sets."""
    keyed_lists = keyed_lists or {}
    changes: list[Change] = []
    for key in sorted(old.keys() | new.keys(), key=str):
        here = (*path, key)
        if key not in new:
            changes.append(Change(here, "removed", old=old[key]))
        elif key not in old:
            changes.append(Change(here, "added", new=new[key]))
        elif old[key] == new[key]:
            continue
        elif not path and key in keyed_lists:
            changes.extend(_diff_keyed(here, old[key], new[key], keyed_lists[key]))
        elif isinstance(old[key], dict) and isinstance(new[key], dict):
            changes.extend(diff_fields(old[key], new[key], None, here))
        elif _is_scalar_list(old[key]) and _is_scalar_list(new[key]):
            changes.extend(_diff_set(here, old[key], new[key]))
        else:
            changes.append(Change(here, "modified", old=old[key], new=new[key]))
    return changes


def _container(root: dict[str, Any], path: tuple[PathPart, ...]) -> Any:
    node: Any = root
    for part in path:
        node = node.setdefault(part, {}) if isinstance(node, dict) else node[part]
    return node


def apply_changes(
    old: Mapping[str, Any], changes: list[Change], keyed_lists: Mapping[str, KeyFunc] | None = None
) -> dict[str, Any]:
    """The inverse of ``diff_fields``: ``apply_changes(a, diff_fields(a, b)) == b``."""
    keyed_lists = keyed_lists or {}
    result: dict[str, Any] = copy.deepcopy(dict(old))
    for change in changes:
        parent, leaf = change.path[:-1], change.path[-1]
        if not change.element:
            container = _container(result, parent)
            if change.change == "removed":
                container.pop(leaf, None)
            else:
                container[leaf] = copy.deepcopy(change.new)
            continue
        container = _container(result, parent)
        items = container.setdefault(leaf, [])
        key = keyed_lists.get(str(leaf)) if len(change.path) == 1 else None
        if key is not None:
            if change.change != "added":
                items[:] = [i for i in items if key(i) != key(change.old)]
            if change.change != "removed":
                items.append(copy.deepcopy(change.new))
            items.sort(key=key)
        else:
            if change.change != "added":
                items.remove(change.old)
            if change.change != "removed":
                items.append(change.new)
            items.sort()
    return result
