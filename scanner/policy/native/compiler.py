"""Compile a policy's filter tree into native nodes, or say why it cannot be.

A filter is compiled when the class Custodian's registry resolves its ``type`` to is exactly
one the native engine implements (a subclass, or another class registered under the same
name, is not): Custodian's ``value``, ``and``/``or``/``not``, ``ingress``/``egress``, and
netwarden's own filters. Anything else — another filter, an option a native filter does not
implement, a policy-level key that changes evaluation (``conditions``, ``region``...) — and the
whole policy is evaluated by Custodian.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from scanner.policy.native import exposure, netfilters, nodes, sgperm
from scanner.policy.native.errors import Unsupported

# Policy keys that do not change which resources the filters select (``actions`` are never
# run by evaluation; ``mode`` is how Custodian is deployed).
NEUTRAL_POLICY_KEYS = frozenset(
    {
        "name",
        "resource",
        "description",
        "comment",
        "comments",
        "filters",
        "metadata",
        "actions",
        "mode",
        "tags",
    }
)

Aspects = set[tuple[str, str]]
Builder = Callable[[Mapping[str, Any], str, Aspects], nodes.Node]


@dataclass
class Compiled:
    """A policy's native filter tree, the item shapes it relies on ((type, aspect) checked per
    block by :mod:`scanner.policy.native.shapes`)."""

    root: nodes.Node
    rtype: str
    aspects: frozenset[tuple[str, str]] = frozenset()

    @property
    def prunable(self) -> bool:
        """Whether items that cannot match may be skipped: nothing in the tree raises or
        reads other data, so evaluating them could only say no."""
        return self.root.total and not self.root.contextual


def _builders() -> dict[type, Builder]:
    from c7n.filters.core import ValueFilter
    from c7n.resources.vpc import IPPermission, IPPermissionEgress

    from scanner.policy.filters import exposure as exposure_filter
    from scanner.policy.filters import nacl, network, sg

    def value(data: Mapping[str, Any], rtype: str, aspects: Aspects) -> nodes.Node:
        aspects.add((rtype, "items"))
        return nodes.Value(data)

    def permissions(key: str, wide: bool = False, public: bool = False) -> Builder:
        def build(data: Mapping[str, Any], rtype: str, aspects: Aspects) -> nodes.Node:
            aspects.add((rtype, "security-groups"))
            if wide:
                aspects.add((rtype, "ipv4-sources-parse"))
                return sgperm.WideCidrIngress(data, key)
            if public:
                return sgperm.PublicCidrIngress(data, key)
            return sgperm.Permissions(data, key)

        return build

    def simple(
        node: Callable[[Mapping[str, Any]], nodes.Node], *needs: tuple[str | None, str]
    ) -> Builder:
        def build(data: Mapping[str, Any], rtype: str, aspects: Aspects) -> nodes.Node:
            for other, aspect in needs:
                aspects.add((other or rtype, aspect))
            return node(data)

        return build

    return {
        ValueFilter: value,
        IPPermission: permissions("IpPermissions"),
        IPPermissionEgress: permissions("IpPermissionsEgress"),
        sg.WideCidrIngress: permissions("IpPermissions", wide=True),
        sg.PublicCidrIngress: permissions("IpPermissions", public=True),
        sg.Unreferenced: simple(netfilters.Unreferenced, (None, "security-groups")),
        nacl.NaclOpenIngress: simple(netfilters.OpenIngress, (None, "network-acls")),
        network.BroadPeeringRoute: simple(netfilters.BroadPeeringRoute, (None, "route-tables")),
        network.InternetGatewayRoute: simple(
            netfilters.InternetGatewayRoute,
            (None, "subnets"),
            ("aws.route-table", "route-tables"),
        ),
        network.MissingAlarms: simple(netfilters.MissingAlarms, (None, "nat-gateways")),
        network.UntrustedPeer: simple(netfilters.UntrustedPeer, (None, "peering-connections")),
        network.InternetGatewayVpc: simple(
            netfilters.RelatedVpc, (None, "internet-gateways"), ("aws.vpc", "vpcs")
        ),
        # The world's shapes are the engine's to judge, as under Custodian (it raises where
        # the filter raises); prefix lists are looked up by id, so ids must be unique.
        exposure_filter.InternetExposed: simple(
            exposure.InternetExposed, ("aws.prefix-list", "ids:PrefixListId")
        ),
    }


def _whole_set_only() -> frozenset[type]:
    """Filters that decide over the whole set they are given: compiled only as a policy's
    first filter, where Custodian gives them every item of the block."""
    from scanner.policy.filters import exposure as exposure_filter

    return frozenset({exposure_filter.InternetExposed})


def _resource_class(rtype: str) -> Any:
    from c7n.provider import clouds
    from c7n.resources import load_resources

    load_resources((rtype,))
    provider, _, _ = rtype.partition(".")
    try:
        return clouds[provider]().get_resource_types([rtype])[0][0]
    except (KeyError, IndexError) as exc:
        raise Unsupported(f"resource type {rtype} is unknown to Custodian ({exc!r})") from None


class _Compiler:
    def __init__(self, rtype: str) -> None:
        from c7n.filters.core import And, Or, ValueFilter

        import scanner.policy.filters  # noqa: F401  (netwarden's filters on the registries)

        self.rtype = rtype
        resource = _resource_class(rtype)
        self.registry = resource.filter_registry
        self.id_key = resource.resource_type.id
        self.builders = _builders()
        self.aspects: Aspects = {(rtype, "items")}
        # Whether the filter being compiled is the policy's first (sees every item).
        self.first = False
        self.whole_set_only = _whole_set_only()
        self.value_class_ok = self.registry.value_filter_class is ValueFilter
        self.boolean = {"and": And, "or": Or}
        from c7n.filters.core import Not

        self.boolean["not"] = Not

    def node(self, data: Any) -> nodes.Node:
        if isinstance(data, dict) and len(data) == 1 and "type" not in data:
            op = next(iter(data))
            if op in self.boolean:
                return self.group(op, data[op])
            if not self.value_class_ok:
                raise Unsupported("the resource's value filter is not Custodian's ValueFilter")
            return self.builders[_value_class()](data, self.rtype, self.aspects)
        kind: Any
        if isinstance(data, str):
            kind, data = data, {"type": data}
        elif isinstance(data, dict):
            kind = data.get("type")
        else:
            raise Unsupported(f"a filter that is neither a mapping nor a name: {data!r}")
        cls = self.registry.get(kind) if isinstance(kind, str) else None
        if cls is not None and kind in self.boolean and cls is self.boolean[kind]:
            raise Unsupported(f"a {kind!r} block written with type:")
        builder = self.builders.get(cls) if cls is not None else None
        if builder is None:
            raise Unsupported(f"filter {kind!r} has no native implementation")
        if cls in self.whole_set_only and not self.first:
            raise Unsupported(f"filter {kind!r} other than as the policy's first filter")
        return builder(data, self.rtype, self.aspects)

    def group(self, op: str, children: Any) -> nodes.Node:
        if self.registry.get(op) is not self.boolean[op]:
            raise Unsupported(f"{op!r} is not Custodian's own block on this resource")
        if not isinstance(children, list):
            raise Unsupported(f"an {op!r} block whose filters are not a list")
        # Custodian's blocks match resources by id: well-formed means unique ids.
        self.aspects.add((self.rtype, f"ids:{self.id_key}"))
        self.first = False  # a block's children see what reaches the block
        built = [self.node(child) for child in children]
        return {"and": nodes.And, "or": nodes.Or, "not": nodes.Not}[op](built)


def _value_class() -> type:
    from c7n.filters.core import ValueFilter

    found: type = ValueFilter
    return found


def compile_policy(data: Mapping[str, Any], rtype: str) -> Compiled:
    """The native form of one policy (``data`` as evaluation runs it, trusted accounts added);
    :class:`Unsupported` when any part of it has no native implementation."""
    extra = sorted(set(data) - NEUTRAL_POLICY_KEYS)
    if extra:
        raise Unsupported(f"policy key(s) {', '.join(extra)}")
    filters = data.get("filters", [])
    if not isinstance(filters, list):
        raise Unsupported("filters that are not a list")
    compiler = _Compiler(rtype)
    built = []
    for position, flt in enumerate(filters):
        compiler.first = position == 0
        built.append(compiler.node(flt))
    root = nodes.Filters(built)
    seen = root.reads & root.writes
    if seen:
        raise Unsupported(f"a value filter reads {sorted(seen)[0]!r}, which a filter writes")
    return Compiled(root, rtype, frozenset(compiler.aspects))
