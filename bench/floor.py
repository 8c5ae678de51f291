"""The theoretical floor of an inventory: the fewest API calls that can read it, and the
critical path of a perfectly parallel reader.

Counts come from one unpaginated call per (region, type) through a server without the
pagination layer (moto answers everything at once), not from netwarden's own snapshot; the
page sizes are each API's documented maximum (the collectors' ``page_size``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scanner.collect.collectors import COLLECTORS, Collector


@dataclass(frozen=True)
class UnitFloor:
    """One (region, type): how many items, and the fewest calls that read them."""

    region: str
    type: str
    items: int
    pages: int
    enrich_calls: int

    @property
    def calls(self) -> int:
        return self.pages + self.enrich_calls


def pages_for(collector: Collector, items: int) -> int:
    if collector.page_size is None:
        return 1
    return max(1, math.ceil(items / collector.page_size))


# Enrichment that is one set of calls per region (when there is anything to enrich), not
# one per resource.
PER_REGION_ENRICHMENT = frozenset({"aws.config-recorder"})


def enrich_calls(collector: Collector, items: list[Any]) -> int:
    """The posture calls after the listing, as the collector declares them: per resource
    (each trail's status; each detector's settings and administrator account), or once per
    region where there is a resource (recorder status and delivery channels)."""
    if not collector.enrich or not collector.extra_operations:
        return 0
    if collector.type in PER_REGION_ENRICHMENT:
        return len(collector.extra_operations) if items else 0
    if collector.type == "aws.prefix-list":
        # Entries are read for customer-managed lists only (scanner/resources/prefix_list.py).
        items = [i for i in items if i.get("OwnerId") != "AWS"]
    return len(collector.extra_operations) * len(items)


def _all_items(client: Any, collector: Collector) -> list[Any]:
    response = getattr(client, collector.operation)(**collector.params)
    if collector.single:  # one object a region (VPC Block Public Access): one call, one item
        return [response[collector.result_key]]
    return list(response.get(collector.result_key, []))


def measure(endpoint: str, regions: Iterable[str]) -> list[UnitFloor]:
    """The floor of every (region, registered type), from unpaginated reads of ``endpoint``."""
    import boto3

    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    units = []
    for region in regions:
        clients: dict[str, Any] = {}
        for _, collector in COLLECTORS.items():
            client = clients.get(collector.service) or session.client(
                collector.service, region_name=region, endpoint_url=endpoint
            )
            clients[collector.service] = client
            items = _all_items(client, collector)
            units.append(
                UnitFloor(
                    region,
                    collector.type,
                    len(items),
                    pages_for(collector, len(items)),
                    enrich_calls(collector, items),
                )
            )
    return units


@dataclass(frozen=True)
class Floor:
    calls: int  # the fewest calls for the inventory, account look-up included
    critical_path_calls: int  # sequential calls on the slowest (region, type), plus STS
    items: int

    def critical_path_s(self, latency_s: float) -> float:
        return self.critical_path_calls * latency_s

    def worker_bound_s(self, latency_s: float, workers: int) -> float:
        """The other bound: every call once, ``workers`` at a time (the account look-up
        first, on its own)."""
        return (latency_s * (self.calls - 1)) / workers + latency_s


# Per account, before its regions: sts:GetCallerIdentity and organizations:DescribeOrganization
# (the organisation id that endpoint policies limited to aws:PrincipalOrgID are judged by);
# --regions is given, so no DescribeRegions.
ACCOUNT_LOOKUP_CALLS = 2


def floor_of(units: list[UnitFloor], regions: Iterable[str]) -> Floor:
    chosen = set(regions)
    mine = [u for u in units if u.region in chosen]
    return Floor(
        calls=ACCOUNT_LOOKUP_CALLS + sum(u.calls for u in mine),
        critical_path_calls=ACCOUNT_LOOKUP_CALLS + max(u.calls for u in mine),
        items=sum(u.items for u in mine),
    )
