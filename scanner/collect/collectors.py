"""The collectors, one per resource type, as the resource catalog declares them.

A collector is data: which client, which Describe operation, where the items are in the
response and which key is their id, mirroring Custodian's ``resource_type.enum_spec``.
Each runs exactly one paginated call sequence per (account, region), at the largest page
size the API allows, so the number of calls is the floor for the inventory. The definitions
live with the rest of each type's facts in ``scanner/resources/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.registry import Registry
from scanner.resources import types
from scanner.resources.base import IAM_PREFIX, Collector, Enricher, Item
from scanner.resources.vpn import REDACTED

__all__ = [
    "COLLECTORS",
    "IAM_PREFIX",
    "REDACTED",
    "Collector",
    "Enricher",
    "Item",
    "resource_id_of",
]

COLLECTORS: Registry[Collector] = Registry("collector")
for _rtype in types():
    COLLECTORS.add(_rtype.name, _rtype.collector)


def resource_id_of(rtype: str, item: Mapping[str, Any]) -> str:
    """The id of a raw item of a registered type."""
    return str(item[COLLECTORS.get(rtype).id_key])
