"""Small pure helpers that several resource families share (tags, picking fields, states)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from scanner.resources.base import Fields, Item

WORLD = frozenset({"0.0.0.0/0", "::/0"})


def tags(item: Mapping[str, Any]) -> dict[str, str]:
    """The item's tags as a sorted mapping (the baseline's form)."""
    return {
        t["Key"]: t.get("Value", "") for t in sorted(item.get("Tags") or [], key=lambda t: t["Key"])
    }


def api_tags(fields: Fields) -> list[dict[str, str]]:
    """A baseline's tags back in the API's ``[{"Key", "Value"}]`` form."""
    return [{"Key": k, "Value": v} for k, v in (fields.get("tags") or {}).items()]


def pick(item: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    """The keys that are present and not None."""
    return {key: item[key] for key in keys if item.get(key) is not None}


def pick_present(fields: Fields, *keys: str) -> Item:
    """The keys that are present (a baseline has already dropped the None values)."""
    return {k: fields[k] for k in keys if k in fields}


def state_not_in(*terminal: str, key: str = "State") -> Callable[[Mapping[str, Any]], bool]:
    """A liveness test: the item's state (or state code) is none of ``terminal``."""

    def live(item: Mapping[str, Any]) -> bool:
        state = item.get(key)
        if isinstance(state, Mapping):
            state = state.get("Code")
        return state not in terminal

    return live


def attached_vpcs(attachments: list[Mapping[str, Any]] | None, key: str = "VpcId") -> list[str]:
    return sorted(
        a[key]
        for a in attachments or []
        if a.get(key) and a.get("State", "attached") in ("attached", "attaching", "available")
    )


def opens_to_world(entry: Any) -> bool:
    """A rule or ACL entry that allows 0.0.0.0/0 or ::/0."""
    if not isinstance(entry, Mapping):
        return False
    sources = {entry.get("cidr"), entry.get("ipv6_cidr")}
    return bool(sources & WORLD) and entry.get("action", "allow") == "allow"


def route_to_igw(route: Any) -> bool:
    return isinstance(route, Mapping) and str(route.get("target", "")).startswith("igw-")


def ec2_arn(path: str) -> str:
    """The ARN template of an EC2 resource whose ARN path is ``path/ID``."""
    return "arn:{partition}:ec2:{region}:{account}:" + path + "/{id}"


TAG_EVENTS = frozenset({"CreateTags", "DeleteTags"})
