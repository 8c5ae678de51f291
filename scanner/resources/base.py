"""What netwarden knows about one resource type, as one record with one field per facet.

Every engine that treats types differently (collection, ARNs, baseline projection and its
inverse, drift severity, revert plans, CloudTrail attribution, offline answers for Custodian)
reads its facet here instead of keeping its own table. This module depends on the core only
(``scanner.model``); the engines depend on it, never the other way round, so the facets that
need an engine's objects see them through the small protocols below.

A facet a type does not have is ``None`` and ``absent`` says why: the completeness test
(tests/unit/resources) refuses a ``None`` without a reason, so a new type cannot forget one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, Protocol

from scanner.model import ApiCall

Item = dict[str, Any]
Fields = Mapping[str, Any]
KeyFunc = Callable[[Mapping[str, Any]], tuple[Any, ...]]
Enricher = Callable[[Any, list[Any]], list[Item]]

# The IAM service prefix for each boto3 service name a collector calls.
IAM_PREFIX = {
    "ec2": "ec2",
    "cloudtrail": "cloudtrail",
    "config": "config",
    "guardduty": "guardduty",
    "cloudwatch": "cloudwatch",
    "events": "events",
    "logs": "logs",
}


@dataclass(frozen=True)
class Collector:
    """How to list one resource type in one region (mirrors Custodian's ``enum_spec``)."""

    type: str
    service: str
    operation: str  # boto3 method name, e.g. "describe_vpcs"
    result_key: str  # where the items are in each response page
    id_key: str  # the item key that identifies it (Custodian's resource_type.id)
    page_size: int | None = None  # the API's maximum page size; None where it has none
    page_size_param: str = "MaxResults"
    params: Mapping[str, Any] = field(default_factory=dict)
    keep: Callable[[Item], bool] | None = None  # client-side filter of the listed items
    enrich: Enricher | None = None
    extra_operations: tuple[tuple[str, str], ...] = ()  # (service, Operation) used by enrich
    description: str = ""
    # The API's own keys that identify an item, when ``id_key`` is not one of them but a
    # unique key the enrich step builds from them (a metric filter's name is unique within
    # its log group only). The listing is checked for these before enrichment.
    key_fields: tuple[str, ...] = ()
    # The result key holds one object, not a list (an account setting such as VPC Block
    # Public Access): the region's one item. A response without it is malformed, never
    # "nothing there".
    single: bool = False

    @property
    def api_operation(self) -> str:
        """The API's own operation name, e.g. ``DescribeVpcs``."""
        return "".join(part.capitalize() for part in self.operation.split("_"))

    def iam_actions(self) -> list[str]:
        """The IAM actions this collector needs (its Describe call and its enrich calls)."""
        actions = [f"{IAM_PREFIX[self.service]}:{self.api_operation}"]
        actions += [f"{IAM_PREFIX[svc]}:{op}" for svc, op in self.extra_operations]
        return actions


def _always_live(item: Mapping[str, Any]) -> bool:
    return True


@dataclass(frozen=True)
class Projection:
    """How one resource type appears in a baseline."""

    project: Callable[[Mapping[str, Any]], dict[str, Any]]
    keyed_lists: Mapping[str, KeyFunc] = field(default_factory=dict)
    is_live: Callable[[Mapping[str, Any]], bool] = _always_live
    natural_key: Callable[[Mapping[str, Any]], str] | None = None  # survives re-creation
    # Fields added to the projection after baselines were first written: a baseline entry
    # without one predates it, which is not drift; one that has it drifts when it changes.
    later_fields: frozenset[str] = frozenset()


# The inverse of a projection: (resource id, baseline fields, account) -> a raw item in the
# shape the Describe API returns, so the rule pack can judge a proposed baseline.
Unproject = Callable[[str, Fields, str], Item]


class ChangeView(Protocol):
    """What a revert or severity facet reads of one drift change (``drift.changes.Change``)."""

    @property
    def path(self) -> tuple[str | int, ...]: ...

    @property
    def change(self) -> str: ...

    @property
    def old(self) -> Any: ...

    @property
    def new(self) -> Any: ...

    @property
    def element(self) -> bool: ...


def _never(_value: Any) -> bool:
    return False


def always(_value: Any) -> bool:
    return True


@dataclass(frozen=True)
class DriftSeverity:
    """The type-specific part of drift severity (the shape-based rules are in drift/severity).

    ``removal``: what losing one means - ``detection`` (blinds monitoring: high), ``path``
    (only closes a path: low) or ``other`` (medium). ``exposes``: an added resource with these
    fields opens a path (high). ``widens``: a change of this type widens exposure (high).
    """

    removal: Literal["detection", "path", "other"]
    exposes: Callable[[Fields], bool] = _never
    widens: Callable[[ChangeView], bool] = _never


@dataclass(frozen=True)
class Step:
    """One revert step: an API call, or a manual step when ``call`` is None. The remediation
    engine renders the CLI line and adds the region."""

    description: str
    call: ApiCall | None = None


def call(description: str, service: str, operation: str, params: Mapping[str, Any]) -> Step:
    return Step(description, ApiCall(service, operation, dict(params)))


def manual(description: str) -> Step:
    return Step(description)


def ec2_tag_steps(resource_id: str, change: ChangeView) -> list[Step]:
    """Undo one change of an EC2 resource's tags (``tags.<key>``, or the whole ``tags``): a
    tag the baseline does not have is deleted, a changed or removed one set back to the
    baseline's value. Tags are policy inputs (``Exposure``): flipping one can disable a check."""
    if len(change.path) == 1:  # the whole mapping appeared or went
        old = change.old if isinstance(change.old, Mapping) else {}
        new = change.new if isinstance(change.new, Mapping) else {}
        added = sorted(str(k) for k in new if k not in old)
        restored = {str(k): str(v) for k, v in old.items() if new.get(k) != v}
    else:
        key = str(change.path[1])
        added = [key] if change.change == "added" else []
        restored = {} if change.change == "added" else {key: str(change.old)}
    steps = []
    if added:
        steps.append(
            call(
                f"Delete the tag(s) {', '.join(added)} of {resource_id}, which the baseline "
                "does not have",
                "ec2",
                "DeleteTags",
                {"Resources": [resource_id], "Tags": [{"Key": k} for k in added]},
            )
        )
    if restored:
        steps.append(
            call(
                f"Set the tag(s) {', '.join(sorted(restored))} of {resource_id} back to the "
                "baseline's values",
                "ec2",
                "CreateTags",
                {
                    "Resources": [resource_id],
                    "Tags": [{"Key": k, "Value": v} for k, v in sorted(restored.items())],
                },
            )
        )
    return steps


# (resource id, account, live fields) -> steps that delete an unapproved resource.
DeleteAdded = Callable[[str, str, Fields], list[Step]]
# (resource id, baseline fields) -> steps that re-create a removed resource.
RestoreRemoved = Callable[[str, Fields], list[Step]]
# (resource id, change inside one list field) -> steps that undo it.
RevertChange = Callable[[str, ChangeView], list[Step]]


@dataclass(frozen=True)
class Revert:
    """How a drifted resource of this type is put back as the baseline has it. What is not
    declared falls back to a manual step that points at the baseline entry."""

    delete_added: DeleteAdded | None = None
    restore_removed: RestoreRemoved | None = None
    changes: Mapping[str, RevertChange] = field(default_factory=dict)  # list field -> handler


@dataclass(frozen=True)
class Answers:
    """Which API calls Custodian's filters make that the snapshot answers from these items.

    ``describe``: the collector's own Describe call, answered generically (ids, ``Filters``).
    ``operations``: (service, Operation) answered by a hand-written function in
    policy/answers.py. ``id_params``: other list parameters that select items by a key.
    """

    describe: bool = False
    operations: tuple[tuple[str, str], ...] = ()
    id_params: Mapping[str, str] = field(default_factory=dict)


# What the exposure engine (scanner/exposure) reads a type as. tests/unit/resources holds the
# engine to these: the types it reads are exactly those with an endpoint, path or owner role.
# - endpoint: the network interfaces whose reachability from the internet it judges;
# - path: what every packet from the internet passes or is stopped by (the subnet, its route
#   table and network ACL, the internet gateway, the security groups, and the managed prefix
#   lists their rules and routes name);
# - owner: names what an exposed interface belongs to and decides nothing (a NAT gateway);
# - address: gives an interface its public address; exposure drift credits a change of one to
#   the exposures at that address (the engine reads the address from the interface).
ExposureRole = Literal["endpoint", "path", "owner", "address"]
EXPOSURE_ROLES: tuple[ExposureRole, ...] = ("endpoint", "path", "owner", "address")

# Why a type has no exposure role: true of the type, not "not built yet".
NOT_EXPOSURE_VPC = (
    "the engine takes an interface's VPC from the interface and its subnet; nothing in the "
    "VPC's own record (CIDR blocks, DNS, tenancy) opens or closes a path from the internet"
)
NOT_EXPOSURE_EGRESS_ONLY = (
    "an egress-only internet gateway lets IPv6 connections out and none in: the internet "
    "reaches nothing through it"
)
NOT_EXPOSURE_PEERING = (
    "AWS routes no internet traffic across a peering connection (no edge-to-edge routing): an "
    "interface is reached from the internet only through its own VPC's internet gateway"
)
NOT_EXPOSURE_ENDPOINT = (
    "an endpoint's network interfaces are aws.eni items, judged as endpoints; the endpoint "
    "record itself (a service name, a policy) is on no path from the internet"
)
NOT_EXPOSURE_TRANSIT = (
    "not modelled: the engine follows paths from the internet through an internet gateway of "
    "the interface's own VPC, so traffic entering another network and crossing a VPN or "
    "transit gateway is not counted as from the internet"
)
NOT_EXPOSURE_FLOW_LOG = (
    "a flow log records traffic and decides none: the flows stage reads its logs, the "
    "exposure engine never its settings"
)
NOT_EXPOSURE_MONITORING = "an account's monitoring control: on no network path"


@dataclass(frozen=True)
class ResourceType:
    """Everything netwarden knows about one Custodian resource type."""

    collector: Collector
    arn: str  # template: {partition} {region} {account} {id}
    projection: Projection
    unproject: Unproject | None
    severity: DriftSeverity
    revert: Revert | None
    events: frozenset[str]  # CloudTrail event names that can change it
    answers: Answers | None
    exposure_role: ExposureRole | None  # what the exposure engine reads it as
    asff_type: str | None  # Security Hub's ASFF resource type
    absent: Mapping[str, str] = field(default_factory=dict)  # facet -> why it is None

    @property
    def name(self) -> str:
        return self.collector.type

    @property
    def id_key(self) -> str:
        return self.collector.id_key

    @property
    def ec2_tagged(self) -> bool:
        """An EC2 resource: its tags are reverted with EC2's CreateTags and DeleteTags."""
        return ":ec2:" in self.arn

    def arn_of(self, resource_id: str, account: str, region: str, partition: str) -> str:
        return self.arn.format(partition=partition, region=region, account=account, id=resource_id)


FACETS = tuple(f.name for f in fields(ResourceType) if f.name != "absent")
