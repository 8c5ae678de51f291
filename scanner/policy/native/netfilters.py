"""netwarden's own filters (``scanner.policy.filters``), natively, and Custodian's ``vpc``
related-resource filter that netwarden registers on internet gateways.

Each decision is a fast re-implementation over facts computed once per block (entries in
rule-number order with parsed networks, route tables indexed by subnet and VPC, the groups in
use); each annotation is built by the filter module's own pure function on the matched
resource, so the evidence is the filter's by construction. The filters that read other types
ask the block for them with the same call and parameters the Custodian filter sends, and so
miss exactly when it would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from scanner.policy.filters import nacl, network, sg
from scanner.policy.native.errors import Unsupported
from scanner.policy.native.networks import Network, parse_network
from scanner.policy.native.nodes import Item, Node, Work
from scanner.policy.native.value import ValueTest
from scanner.protocols import PORTED_PROTOCOLS, PROTOCOL_NUMBERS

if TYPE_CHECKING:
    from scanner.policy.native.block import Block


class OpenIngress(Node):
    """``open-ingress`` on network ACLs: the first ingress entry by rule number decides."""

    writes = frozenset({nacl.ANNOTATION})

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.cidrs = list(data.get("cidrs", ["0.0.0.0/0", "::/0"]))
        self.protocols = list(data.get("protocols", ["tcp"]))
        self.ports = list(data["ports"])
        if not all(isinstance(p, str) and p in PORTED_PROTOCOLS for p in self.protocols):
            raise Unsupported("a protocol open-ingress does not know")
        if not all(isinstance(p, int) for p in self.ports):
            raise Unsupported("a port that is not an integer")
        try:
            sources = [(c, parse_network(c)) for c in self.cidrs]
        except (TypeError, ValueError):
            raise Unsupported("a cidr that does not parse") from None
        self.questions = [
            (text, source, PROTOCOL_NUMBERS[protocol], port)
            for text, source in sources
            for protocol in self.protocols
            for port in self.ports
        ]
        # (source, entry CIDR) -> whether the entry's network covers the whole source: the
        # same few CIDRs recur in every ACL, and ipaddress's subnet_of was half the filter's
        # time. Keyed by the texts, each of which parses to one network only.
        self._covers: dict[tuple[Any, str], bool] = {}

    @staticmethod
    def _entries(
        acl: Item,
    ) -> list[tuple[str, Network | None, str, tuple[int, int] | None, bool]]:
        """Ingress entries in rule-number order: (CIDR, network, protocol, ports, allows)."""
        ingress = sorted(
            (e for e in acl.get("Entries", []) if not e.get("Egress")),
            key=lambda e: e["RuleNumber"],
        )
        out = []
        for entry in ingress:
            cidr = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")
            port_range = entry.get("PortRange")
            out.append(
                (
                    cidr,
                    parse_network(cidr) if cidr else None,
                    str(entry.get("Protocol", "-1")),
                    (port_range["From"], port_range["To"]) if port_range else None,
                    entry.get("RuleAction") == "allow",
                )
            )
        return out

    def test(self, item: Item, block: Block) -> bool:
        entries = block.fact("nacl-ingress", item, self._entries)
        memo = self._covers
        for text, source, protocol, port in self.questions:
            for cidr, net, entry_protocol, ports, allows in entries:
                if net is None:
                    continue
                covers = memo.get((text, cidr))
                if covers is None:
                    covers = memo[(text, cidr)] = (
                        net.version == source.version and source.subnet_of(net)  # type: ignore[arg-type]
                    )
                if not covers:
                    continue
                if entry_protocol != "-1":
                    if entry_protocol != protocol:
                        continue
                    if ports is not None and not ports[0] <= port <= ports[1]:
                        continue
                if allows:
                    return True
                break  # the first entry that applies decides: a deny
        return False

    def annotate(self, item: Item, work: Work, block: Block) -> bool:
        found = nacl.open_ingress(work.get("Entries", []), self.cidrs, self.protocols, self.ports)
        if found:
            work[nacl.ANNOTATION] = found
        return bool(found)


class BroadPeeringRoute(Node):
    """``broad-peering-route`` on route tables."""

    writes = frozenset({network.PEERING_ROUTES})

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.limits = {
            4: data.get("min-prefix-length", 24),
            6: data.get("min-prefix-length-v6", 64),
        }

    @staticmethod
    def _peering_prefixes(table: Item) -> list[tuple[int, int]]:
        """(IP version, prefix length) of each route to a peering connection."""
        out: list[tuple[int, int]] = []
        for route in table.get("Routes", []):
            dest = network.route_destination(route)
            if route.get("VpcPeeringConnectionId") and dest:
                net = parse_network(dest[1])
                out.append((net.version, net.prefixlen))
        return out

    def test(self, item: Item, block: Block) -> bool:
        prefixes = block.fact("peering-prefixes", item, self._peering_prefixes)
        return any(length < self.limits[version] for version, length in prefixes)

    def annotate(self, item: Item, work: Work, block: Block) -> bool:
        broad = network.broad_peering_routes(work, self.limits)
        if broad:
            work[network.PEERING_ROUTES] = broad
        return bool(broad)


class RouteIndex:
    """The block's route tables as ``effective_route_table`` searches them: the first table
    associated with a subnet, else the first main table of the subnet's VPC."""

    def __init__(self, tables: list[dict[str, Any]]) -> None:
        self.explicit: dict[str, dict[str, Any]] = {}
        self.main: dict[str | None, dict[str, Any]] = {}
        self.reaches_igw: dict[int, bool] = {}
        for table in tables:
            associations = table.get("Associations", [])
            for association in associations:
                subnet = association.get("SubnetId")
                if isinstance(subnet, str):
                    self.explicit.setdefault(subnet, table)
            if any(a.get("Main") for a in associations):
                self.main.setdefault(table.get("VpcId"), table)
            self.reaches_igw[id(table)] = any(
                str(route.get("GatewayId", "")).startswith("igw-")
                and route.get("State") != "blackhole"
                and network.route_destination(route)
                for route in table.get("Routes", [])
            )

    def effective(self, subnet: Item) -> tuple[dict[str, Any] | None, str]:
        table = self.explicit.get(subnet["SubnetId"])
        if table is not None:
            return table, "explicit"
        table = self.main.get(subnet.get("VpcId"))
        if table is not None:
            return table, "main"
        return None, "none"


def _route_index(block: Block) -> RouteIndex:
    body = block.served("ec2", "DescribeRouteTables", {})
    return RouteIndex(body.get("RouteTables", []))


class InternetGatewayRoute(Node):
    """``internet-gateway-route`` on subnets."""

    contextual = True
    writes = frozenset({network.IGW_ROUTES})

    def __init__(self, data: Mapping[str, Any]) -> None:
        pass

    def test(self, item: Item, block: Block) -> bool:
        index = block.context("route-index", _route_index)
        table, _ = index.effective(item)
        return table is not None and index.reaches_igw[id(table)]

    def annotate(self, item: Item, work: Work, block: Block) -> bool:
        table, how = block.context("route-index", _route_index).effective(item)
        if table is None:
            return False
        routes = network.igw_routes(table, how)
        if routes:
            work[network.IGW_ROUTES] = routes
        return bool(routes)


def _groups_in_use(block: Block) -> set[str]:
    enis = block.served("ec2", "DescribeNetworkInterfaces", {})
    in_use = sg.groups_on(enis.get("NetworkInterfaces", []))
    groups = block.served("ec2", "DescribeSecurityGroups", {})
    return in_use | sg.groups_referenced(groups.get("SecurityGroups", []))


class Unreferenced(Node):
    """``unreferenced`` on security groups: on no ENI, referenced by no other group."""

    contextual = True
    total = False  # a group rule without a GroupId raises, where Custodian raises it
    writes = frozenset({sg.UNREFERENCED})

    def __init__(self, data: Mapping[str, Any]) -> None:
        pass

    def test(self, item: Item, block: Block) -> bool:
        return item["GroupId"] not in block.context("groups-in-use", _groups_in_use)

    def annotate(self, item: Item, work: Work, block: Block) -> bool:
        if not self.test(item, block):
            return False
        work[sg.UNREFERENCED] = {"NetworkInterfaces": [], "ReferencedBy": []}
        return True


def _covered(block: Block) -> set[tuple[str, str]]:
    body = block.served("cloudwatch", "DescribeAlarms", {"AlarmTypes": ["MetricAlarm"]})
    return network.covered_metrics(body.get("MetricAlarms", []))


class MissingAlarms(Node):
    """``missing-alarms`` on NAT gateways."""

    contextual = True
    total = False  # a malformed alarm raises, where Custodian raises it
    writes = frozenset({network.MISSING_ALARMS})

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.wanted = list(data.get("metrics", ["BytesOutToDestination", "ErrorPortAllocation"]))

    def _missing(self, item: Item, block: Block) -> list[str]:
        covered = block.context("nat-alarms", _covered)
        return network.missing_alarms(item, self.wanted, covered)

    def test(self, item: Item, block: Block) -> bool:
        return bool(self._missing(item, block))

    def annotate(self, item: Item, work: Work, block: Block) -> bool:
        missing = self._missing(item, block)
        if missing:
            work[network.MISSING_ALARMS] = missing
        return bool(missing)


class UntrustedPeer(Node):
    """``untrusted-peer`` on peering connections: the whitelist plus the scanned account."""

    writes = frozenset({network.VIOLATIONS})

    def __init__(self, data: Mapping[str, Any]) -> None:
        whitelist = data.get("whitelist", ())
        if not all(isinstance(w, str) for w in whitelist):
            raise Unsupported("a whitelist entry that is not an account id")
        self.whitelist = set(whitelist)

    def _untrusted(self, item: Item, block: Block) -> list[str]:
        return network.untrusted_owners(item, self.whitelist | {block.account})

    def test(self, item: Item, block: Block) -> bool:
        return bool(self._untrusted(item, block))

    def annotate(self, item: Item, work: Work, block: Block) -> bool:
        untrusted = self._untrusted(item, block)
        if untrusted:
            work[network.VIOLATIONS] = untrusted
        return bool(untrusted)


def _vpcs_by_id(block: Block) -> dict[str, dict[str, Any]]:
    body = block.served("ec2", "DescribeVpcs", {})
    return {vpc["VpcId"]: vpc for vpc in body.get("Vpcs", [])}


class RelatedVpc(Node):
    """``vpc`` on internet gateways (``c7n.filters.related.RelatedResourceFilter``): a value
    filter on each attached VPC, ``operator`` or (any) / and (all, true with none)."""

    contextual = True
    annotation = "c7n:matched-vpcs"
    writes = frozenset({annotation})
    reads = frozenset({"Attachments"})

    def __init__(self, data: Mapping[str, Any]) -> None:
        if data.get("match-resource") is True:
            raise Unsupported("match-resource (rewrites the filter per resource)")
        if "value" not in data:
            raise Unsupported("a vpc filter without a value")
        self.value = ValueTest(data)
        self.total = self.value.total
        self.absent = data["value"] == "absent"
        self.operator = data.get("operator", "or")

    def _found(self, item: Item, block: Block) -> tuple[list[str], set[str]]:
        from c7n.utils import jmespath_search

        related_ids = set(jmespath_search("[].Attachments[].VpcId", [item]))
        if not related_ids:
            return [], related_ids
        vpcs = block.context("vpcs-by-id", _vpcs_by_id)
        found = []
        for rid in related_ids:
            vpc = vpcs.get(rid)
            if vpc is None:
                if self.absent:
                    found.append(rid)
            elif self.value.test(vpc):
                found.append(rid)
        return found, related_ids

    def _verdict(self, found: list[str], related_ids: set[str]) -> bool:
        if self.operator == "or" and found:
            return True
        return self.operator == "and" and len(found) == len(related_ids)

    def test(self, item: Item, block: Block) -> bool:
        return self._verdict(*self._found(item, block))

    def annotate(self, item: Item, work: Work, block: Block) -> bool:
        found, related_ids = self._found(item, block)
        if found:
            work[self.annotation] = list(set(found).union(work.get(self.annotation, [])))
        return self._verdict(found, related_ids)
