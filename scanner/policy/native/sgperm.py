"""Custodian's ``ingress``/``egress`` (``c7n.resources.vpc.SGPermission``) and netwarden's
``wide-cidr-ingress``, compiled once per policy over permissions expanded once per block.

Custodian expands a group's permissions into one permission per source (an IPv4 range, an
IPv6 range, a prefix list or a group pair) every time a policy looks at the group, builds a
value filter per source, and checks every permission against every condition. Here each group
is expanded once per block (:class:`Expanded`, shared by every policy), indexed by source, and
a policy looks only at the permissions that can match it: with ``match-operator: and`` a
permission must satisfy every condition, so with a ``Cidr`` that is one literal source only the
permissions from that source are candidates, and ``wide-cidr-ingress`` only wide IPv4 ones.
Candidates are then checked condition by condition in Custodian's order, with Custodian's
rules for conditions that do not apply (``None``) and for the ``Ports``/``OnlyPorts`` logic.

That shortcut is only taken when every condition is *total* (cannot raise); otherwise every
permission of every group is checked against every condition, exactly as Custodian does, so
that an exception is raised where Custodian raises one.

The evidence is Custodian's: the matched permissions, expanded as Custodian expands them (the
group's other keys, then ``IpRanges``, ``Ipv6Ranges``, ``PrefixListIds``,
``UserIdGroupPairs``, one of them holding the source), appended to ``MatchedIpPermissions``
(or ``MatchedIpPermissionsEgress``) without duplicates.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from scanner.policy.native.errors import Unsupported
from scanner.policy.native.networks import parse_network
from scanner.policy.native.nodes import Item, Node, Work
from scanner.policy.native.value import ValueTest

if TYPE_CHECKING:
    from scanner.policy.native.block import Block

RANGE_KEYS = ("IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs")
PERM_ATTRS = frozenset(
    {"IpProtocol", "FromPort", "ToPort", "UserIdGroupPairs", "IpRanges", "PrefixListIds"}
)
FILTER_ATTRS = frozenset(
    {"Cidr", "CidrV6", "Ports", "OnlyPorts", "SelfReference", "Description", "SGReferences"}
)
# The first non-empty source list is the one a permission's Description is read from.
DESCRIPTION_ORDER = ("Ipv6Ranges", "IpRanges", "UserIdGroupPairs", "PrefixListIds")
SPECIAL_VALUES = frozenset({"absent", "present", "not-null", "empty"})
PRIVATE_V4 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


class Expanded:
    """One permission of one source, as ``SGPermission.expand_permissions`` yields it, without
    building the dict until it is needed (``as_dict``); ``get`` reads it as the dict would."""

    __slots__ = ("entry", "index", "kind", "perm")

    def __init__(self, perm: dict[str, Any], kind: str, entry: dict[str, Any], index: int):
        self.perm, self.kind, self.entry, self.index = perm, kind, entry, index

    def get(self, key: str, default: Any = None) -> Any:
        if key in RANGE_KEYS:
            return [self.entry] if key == self.kind else []
        return self.perm.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in RANGE_KEYS or key in self.perm

    def as_dict(self) -> dict[str, Any]:
        """The dict Custodian builds, key order included."""
        out = {k: v for k, v in self.perm.items() if k not in RANGE_KEYS}
        for key in RANGE_KEYS:
            out[key] = []
        out[self.kind] = [self.entry]
        return out


class GroupPermissions:
    """One group's permissions in one direction: expanded, and indexed by literal source."""

    __slots__ = ("by_source", "expanded")

    def __init__(self, permissions: Iterable[dict[str, Any]]) -> None:
        self.expanded: list[Expanded] = []
        self.by_source: dict[tuple[str, Any], list[Expanded]] = {}
        for perm in permissions:
            for kind in RANGE_KEYS:
                for entry in perm.get(kind) or ():
                    x = Expanded(perm, kind, entry, len(self.expanded))
                    self.expanded.append(x)
                    if kind == "IpRanges":
                        self.by_source.setdefault((kind, entry["CidrIp"]), []).append(x)
                    elif kind == "Ipv6Ranges":
                        self.by_source.setdefault((kind, entry["CidrIpv6"]), []).append(x)


def _literal(test: ValueTest, data: Mapping[str, Any]) -> str | None:
    """The string a source value filter is plain equality with, if it is exactly that."""
    if len(data) == 1 or data.get("op") in (None, "eq", "equal"):
        value = test.literal
        if isinstance(value, str) and value not in SPECIAL_VALUES:
            return value
    return None


SourceIndex = dict[tuple[str, str], list[int]]


def source_index(groups: list[dict[str, Any]], key: str) -> SourceIndex:
    """(source kind, CIDR) -> positions of the groups with a ``key`` permission from it."""
    index: SourceIndex = {}
    for position, group in enumerate(groups):
        for perm in group[key]:
            for entry in perm.get("IpRanges") or ():
                index.setdefault(("IpRanges", entry["CidrIp"]), []).append(position)
            for entry in perm.get("Ipv6Ranges") or ():
                index.setdefault(("Ipv6Ranges", entry["CidrIpv6"]), []).append(position)
    return index


class Source:
    """``Cidr`` or ``CidrV6``: Custodian's ``_process_cidr`` value filter on each source."""

    def __init__(self, spec: Any, field: str, kind: str) -> None:
        # Custodian sets the key on the policy's own mapping, or wraps a bare value.
        data = {**spec, "key": field} if isinstance(spec, Mapping) else {field: spec}
        self.kind = kind
        self.test = ValueTest(data)
        self.literal = (
            _literal(self.test, data) if self.test.plain_vtype and self.test.key == field else None
        )
        self._memo: dict[Any, bool] = {}
        self._field = self.test.single_key  # the result depends on this key's value only
        self.field = field
        self.by_value = self._field == field  # so a source can be judged by its CIDR alone

    def accepts(self, value: str) -> bool:
        """The verdict on any source whose CIDR is ``value`` (only when ``by_value``)."""
        if self.literal is not None:
            return value == self.literal
        return self.check(Expanded({}, self.kind, {self.field: value}, 0))

    def check(self, x: Expanded) -> bool:
        if x.kind != self.kind:  # `if not ip_perms: return False`
            return False
        if self._field is None:
            return self.test.test(x.entry)
        value = x.entry.get(self._field)
        try:
            return self._memo[value]
        except KeyError:
            found = self._memo[value] = self.test.test(x.entry)
            return found
        except TypeError:  # unhashable: no memo
            return self.test.test(x.entry)


class Permissions(Node):
    """``ingress``/``egress`` over ``IpPermissions``/``IpPermissionsEgress``."""

    def __init__(self, data: Mapping[str, Any], key: str) -> None:
        unknown = set(data) - PERM_ATTRS - FILTER_ATTRS - {"type", "match-operator"}
        unknown -= self.extra_attrs()
        if unknown:
            raise Unsupported(f"unknown keys {sorted(unknown)}")
        if data.get("SGReferences"):
            raise Unsupported("SGReferences (looks up the referenced groups)")
        self.data = data
        self.key = key
        self.fact_kind = f"permissions:{key}"
        self.writes = frozenset({f"Matched{key}"})
        self.match_all = data.get("match-operator", "and") == "and"
        self.ports = tuple(data["Ports"]) if data.get("Ports") else ()
        self.only_ports = tuple(data["OnlyPorts"]) if data.get("OnlyPorts") else ()
        if not all(isinstance(p, int) for p in (*self.ports, *self.only_ports)):
            raise Unsupported("a port that is not an integer")
        self.self_reference = "SelfReference" in data
        self.reference = data.get("SelfReference")
        self.vfilters = []
        for attr in sorted(PERM_ATTRS.intersection(data)):
            spec = data[attr]
            self.vfilters.append(
                ValueTest({**spec, "key": attr} if isinstance(spec, Mapping) else {attr: spec})
            )
        self.description: ValueTest | None = None
        if "Description" in data:
            if not isinstance(data["Description"], Mapping):
                raise Unsupported("a Description that is not a value filter")
            self.description = ValueTest({**data["Description"], "key": "Description"})
        self.v6 = Source(data["CidrV6"], "CidrIpv6", "Ipv6Ranges") if "CidrV6" in data else None
        self.v4 = Source(data["Cidr"], "CidrIp", "IpRanges") if "Cidr" in data else None
        tests = [
            *self.vfilters,
            *([self.description] if self.description is not None else []),
            *(source.test for source in (self.v6, self.v4) if source is not None),
        ]
        self.total = all(t.total for t in tests)
        self._flat = all(t.flat for t in self.vfilters)
        self.checks = self._checks()

    def extra_attrs(self) -> frozenset[str]:
        return frozenset()

    # -- the conditions, in Custodian's order -----------------------------------------------
    def _checks(self) -> list[Callable[[Expanded, str], bool | None]]:
        checks: list[Callable[[Expanded, str], bool | None]] = []
        for vf in self.vfilters:
            checks.append(self._value_check(vf))
        if self.description is not None:
            description = self.description
            checks.append(lambda x, _: description.test(x.entry))
        if self.ports or self.only_ports:
            checks.append(self._ports)
        checks.append(self._cidrs)
        if self.self_reference:
            checks.append(self._self_reference)
        return checks

    def _value_check(self, vf: ValueTest) -> Callable[[Expanded, str], bool | None]:
        if self._flat:
            return lambda x, _: vf.test(x)  # type: ignore[arg-type]
        return lambda x, _: vf.test(x.as_dict())

    def _ports(self, x: Expanded, _: str) -> bool | None:
        """``process_ports``, quirks included (a rule without ports is not judged by them)."""
        perm = x.perm
        found: bool | None = None
        if "FromPort" in perm and "ToPort" in perm:
            low, high = perm["FromPort"], perm["ToPort"]
            for port in self.ports:
                if low <= port <= high:
                    found = True
                    break
                found = False
            only_found = any(port == low and port == high for port in self.only_ports)
            if self.only_ports and not only_found:
                found = True if found is None else found
            if self.only_ports and only_found:
                found = False
        return found

    def _base_cidrs(self, x: Expanded) -> bool | None:
        found_v6 = self.v6.check(x) if self.v6 is not None else None
        found_v4 = self.v4.check(x) if self.v4 is not None else None
        found = [f for f in (found_v6, found_v4) if f is not None]
        if not found:
            return None
        return all(found) if self.match_all else any(found)

    def _cidrs(self, x: Expanded, _: str) -> bool | None:
        return self._base_cidrs(x)

    def _self_reference(self, x: Expanded, group_id: str) -> bool | None:
        found: bool | None = None if self.reference is None else False
        referenced = x.kind == "UserIdGroupPairs" and x.entry["GroupId"] == group_id
        if self.reference is False and not referenced:
            found = True
        if self.reference is True and referenced:
            found = True
        return found

    def matches(self, x: Expanded, group_id: str) -> bool:
        """Whether one expanded permission matches (``SGPermission.__call__``'s loop body)."""
        if not self.total:
            values = [v for c in self.checks if (v := c(x, group_id)) is not None]
            if self.match_all:
                return bool(values) and all(values)
            return any(values)
        if self.match_all:
            judged = False
            for check in self.checks:
                value = check(x, group_id)
                if value is None:
                    continue
                if not value:
                    return False
                judged = True
            return judged
        return any(check(x, group_id) for check in self.checks)

    # -- candidates -------------------------------------------------------------------------
    def candidates(self, group: GroupPermissions) -> Iterable[Expanded]:
        """The permissions that can match at all (every one when unsure)."""
        if not (self.total and self.match_all):
            return group.expanded
        if self.v4 is not None and self.v6 is not None:
            return ()  # one source per permission: never both an IPv4 and an IPv6 match
        source = self.v4 or self.v6
        if source is None:
            return group.expanded
        if source.literal is not None:
            return group.by_source.get((source.kind, source.literal), ())
        return [x for x in group.expanded if source.check(x)]

    def positions(self, block: Block, rtype: str) -> set[int] | None:
        if not (self.total and self.match_all):
            return None
        if self.v4 is not None and self.v6 is not None:
            return set()
        source = self.v4 or self.v6
        if source is None or not source.by_value:
            return None
        index = self._index(block, rtype)
        if source.literal is not None:
            return set(index.get((source.kind, source.literal), ()))
        return self._union(index, lambda kind, value: kind == source.kind and source.accepts(value))

    def _index(self, block: Block, rtype: str) -> SourceIndex:
        key = self.key
        return block.context(f"sources:{rtype}:{key}", lambda b: source_index(b.items(rtype), key))

    @staticmethod
    def _union(index: SourceIndex, keep: Callable[[str, str], bool]) -> set[int]:
        found: set[int] = set()
        for (kind, value), positions in index.items():
            if keep(kind, value):
                found.update(positions)
        return found

    def _group(self, item: Item, block: Block) -> GroupPermissions:
        key = self.key
        return block.fact(self.fact_kind, item, lambda i: GroupPermissions(i[key]))

    def test(self, item: Item, block: Block) -> bool:
        group = self._group(item, block)
        group_id = item["GroupId"]
        if self.total:
            return any(self.matches(x, group_id) for x in self.candidates(group))
        return any([self.matches(x, group_id) for x in group.expanded])

    def annotate(self, item: Item, work: Work, block: Block) -> bool:
        group = self._group(item, block)
        group_id = item["GroupId"]
        matched = [x.as_dict() for x in group.expanded if self.matches(x, group_id)]
        if not matched:
            return False
        annotation = work.setdefault(f"Matched{self.key}", [])
        annotation.extend(m for m in matched if m not in annotation)
        return True


class WideCidrIngress(Permissions):
    """netwarden's ``wide-cidr-ingress``: ``ingress`` where an IPv4 source must also be wider
    than ``/WiderThan`` and inside one of ``Within`` (``scanner.policy.filters.sg``)."""

    def __init__(self, data: Mapping[str, Any], key: str) -> None:
        super().__init__(data, key)
        self.wider_than = data.get("WiderThan", 16)
        within = data.get("Within", PRIVATE_V4)
        try:  # Custodian parses these (strictly) when it first meets a wide source
            self.within = [ipaddress.ip_network(c) for c in within]
        except (TypeError, ValueError):
            raise Unsupported(f"Within {within!r} does not parse") from None
        if not isinstance(self.wider_than, int):
            raise Unsupported("WiderThan that is not an integer")
        self._wide_memo: dict[str, bool] = {}

    def extra_attrs(self) -> frozenset[str]:
        return frozenset({"WiderThan", "Within"})

    def _wide(self, cidr: str) -> bool:
        try:
            return self._wide_memo[cidr]
        except KeyError:
            pass
        network = parse_network(cidr)
        wide = network.prefixlen < self.wider_than and any(
            network.version == w.version and network.subnet_of(w)  # type: ignore[arg-type]
            for w in self.within
        )
        self._wide_memo[cidr] = wide
        return wide

    def _is_wide(self, x: Expanded) -> bool:
        return x.kind == "IpRanges" and self._wide(x.entry["CidrIp"])

    def _cidrs(self, x: Expanded, _: str) -> bool | None:
        base = self._base_cidrs(x)
        wide = self._is_wide(x)
        return wide if base is None else bool(wide and base)

    def candidates(self, group: GroupPermissions) -> Iterable[Expanded]:
        if not (self.total and self.match_all):
            return group.expanded
        return [x for x in super().candidates(group) if self._is_wide(x)]

    def positions(self, block: Block, rtype: str) -> set[int] | None:
        if not (self.total and self.match_all):
            return None
        narrower = super().positions(block, rtype)
        wide = self._union(
            self._index(block, rtype), lambda kind, value: kind == "IpRanges" and self._wide(value)
        )
        return wide if narrower is None else wide & narrower


class PublicCidrIngress(Permissions):
    """netwarden's ``public-cidr-ingress``: ``ingress`` where a permission's source must also
    be a public range of the prefix lengths ``Prefix4``/``Prefix6`` allow, outside every
    ``Allowed`` range (``scanner.policy.filters.sg``). Each distinct source is judged once per
    policy; only groups with such a source are candidates."""

    def __init__(self, data: Mapping[str, Any], key: str) -> None:
        super().__init__(data, key)
        self.bounds: dict[int, Any] = {}
        for version, name in ((4, "Prefix4"), (6, "Prefix6")):
            bounds = data.get(name)
            if bounds and not (
                isinstance(bounds, list) and len(bounds) == 2 and all(_is_int(b) for b in bounds)
            ):
                raise Unsupported(f"{name} {bounds!r} is not two integers")
            self.bounds[version] = bounds
        allowed = data.get("Allowed", [])
        try:  # Custodian parses these when it first meets a public source of the right size
            self.allowed = [ipaddress.ip_network(c, strict=False) for c in allowed]
        except (TypeError, ValueError):
            raise Unsupported(f"Allowed {allowed!r} does not parse") from None
        self._public_memo: dict[str, bool] = {}

    def extra_attrs(self) -> frozenset[str]:
        return frozenset({"Prefix4", "Prefix6", "Allowed"})

    def _public(self, cidr: str) -> bool:
        """``PublicCidrIngress.matches_cidr``, once per distinct source."""
        try:
            return self._public_memo[cidr]
        except KeyError:
            pass
        from scanner.policy.filters.sg import is_public

        try:
            network = parse_network(cidr)
        except ValueError:
            found = False
        else:
            bounds = self.bounds[network.version]
            found = (
                bool(bounds)
                and bounds[0] <= network.prefixlen <= bounds[1]
                and is_public(network)
                and not any(
                    network.version == a.version and network.subnet_of(a)  # type: ignore[arg-type]
                    for a in self.allowed
                )
            )
        self._public_memo[cidr] = found
        return found

    def _is_public(self, x: Expanded) -> bool:
        if x.kind == "IpRanges":
            return "CidrIp" in x.entry and self._public(x.entry["CidrIp"])
        if x.kind == "Ipv6Ranges":
            return "CidrIpv6" in x.entry and self._public(x.entry["CidrIpv6"])
        return False

    def _cidrs(self, x: Expanded, _: str) -> bool | None:
        base = self._base_cidrs(x)
        found = self._is_public(x)
        return found if base is None else bool(found and base)

    def candidates(self, group: GroupPermissions) -> Iterable[Expanded]:
        if not (self.total and self.match_all):
            return group.expanded
        return [x for x in super().candidates(group) if self._is_public(x)]

    def positions(self, block: Block, rtype: str) -> set[int] | None:
        if not (self.total and self.match_all):
            return None
        narrower = super().positions(block, rtype)
        public = self._union(
            self._index(block, rtype),
            lambda kind, value: kind in ("IpRanges", "Ipv6Ranges") and self._public(value),
        )
        return public if narrower is None else public & narrower


def _is_int(value: Any) -> bool:
    return type(value) is int
