"""netwarden's ``internet-exposed`` (``scanner.policy.filters.exposure``), natively.

Custodian's filter reads the region's world (subnets, route tables, NACLs, groups, gateways,
NAT gateways, prefix lists) through botocore and the snapshot session, copies every
interface, and runs the exposure engine over them, once per policy: the pack's two exposure
policies analysed every block twice. Here the world is read from the block with the same
calls, parameters and misses (:meth:`Block.served`), the engine runs once per block over the
block's interfaces, and each policy only selects from that analysis; the annotations are
built by the filter module's own :func:`~scanner.policy.filters.exposure.selected_interfaces`,
so the evidence is the filter's by construction.

The filter decides over the whole set it is given (the engine's report, then a lookup by
interface id), not one resource at a time, so it is only compiled where Custodian gives it
every item of the block: as the policy's first filter (the compiler checks that). There the
analysis is over exactly the items Custodian's ``process`` sees, raising what it would raise
when the first item reaches the filter, which is when Custodian calls ``process``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from scanner.policy.filters import exposure
from scanner.policy.native.nodes import Item, Node, Work
from scanner.policy.session import SnapshotMiss

if TYPE_CHECKING:
    from scanner.exposure.model import ExposureReport
    from scanner.exposure.world import RegionWorld
    from scanner.policy.native.block import Block

Selected = dict[int, tuple[list[dict[str, Any]], list[dict[str, Any]]]]


def _operation(snake: str) -> str:
    """botocore's operation name for a client method (``describe_subnets``: DescribeSubnets)."""
    return "".join(part.capitalize() for part in snake.split("_"))


def world_items(block: Block) -> dict[str, list[dict[str, Any]]]:
    """:func:`~scanner.policy.filters.exposure.region_world` from the block: the same calls in
    the same order, the same misses, the same prefix-list entries; never a write to the
    snapshot (a list whose entries were not collected is a new dict with the answered ones)."""
    world: dict[str, list[dict[str, Any]]] = {}
    for rtype, operation, key in exposure.WORLD:
        try:
            body = block.served("ec2", _operation(operation), {})
        except SnapshotMiss as miss:
            if rtype != "aws.prefix-list" or miss.gap:
                raise
            continue
        world[rtype] = list(body.get(key, []))
    plists = world.get("aws.prefix-list")
    if plists:
        world["aws.prefix-list"] = [_with_entries(block, plist) for plist in plists]
    return world


def _with_entries(block: Block, plist: dict[str, Any]) -> dict[str, Any]:
    if "Entries" in plist:
        return plist
    params = {"PrefixListId": plist["PrefixListId"]}
    body = block.served("ec2", "GetManagedPrefixListEntries", params)
    return {**plist, "Entries": list(body.get("Entries", []))}


class Analysis:
    """The exposure engine over one block's interfaces and world, as the filter runs it."""

    def __init__(self, block: Block) -> None:
        from scanner.exposure.engine import analyse_region

        self.enis: list[dict[str, Any]] = block.items("aws.eni")
        self.resources = {**world_items(block), "aws.eni": list(self.enis)}
        # The filter analyses with no account or region (nothing it selects or annotates
        # reads them); the same here, so the records are the same.
        self.report: ExposureReport = analyse_region(self.resources, "", "")
        self._world: RegionWorld | None = None

    def world(self) -> RegionWorld:
        from scanner.exposure.world import RegionWorld

        if self._world is None:
            self._world = RegionWorld.build(self.resources)
        return self._world


def _analysis(block: Block) -> Analysis:
    return Analysis(block)


class InternetExposed(Node):
    """``internet-exposed`` on ENIs, as the policy's first filter."""

    contextual = True  # reads the block's world, and misses where the session would
    total = False  # the engine raises on malformed items, where Custodian raises it
    writes = frozenset({exposure.ANNOTATION, exposure.RULES})

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        # This node's selection in a block; the node lives as long as the compiled pack,
        # longer than any block, so its id names it for the block's whole life.
        self._kind = f"internet-exposed:{id(self)}"

    def _selected(self, block: Block) -> Selected:
        def compute(b: Block) -> Selected:
            analysis = b.context("exposure-analysis", _analysis)
            found = exposure.selected_interfaces(
                analysis.enis, analysis.report, self.data, analysis.world
            )
            # By identity: the items handed to the policy are the block's own objects.
            return {id(analysis.enis[p]): (notes, rules) for p, notes, rules in found}

        return block.context(self._kind, compute)

    def test(self, item: Item, block: Block) -> bool:
        return id(item) in self._selected(block)

    def annotate(self, item: Item, work: Work, block: Block) -> bool:
        found = self._selected(block).get(id(item))
        if found is None:
            return False
        notes, rules = found
        # Copies, so that no two findings share a list (a block's selection is built once).
        work[exposure.ANNOTATION] = [dict(n) for n in notes]
        work[exposure.RULES] = [dict(r) for r in rules]
        return True
