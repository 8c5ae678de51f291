"""VPC Block Public Access, as it bears on connections *from* the internet.

AWS's modes (``DescribeVpcBlockPublicAccessOptions``, per account and region):

- ``off``: nothing is blocked.
- ``block-bidirectional``: all traffic to and from internet gateways and egress-only internet
  gateways of the region is dropped, IPv4 and IPv6 alike.
- ``block-ingress``: all internet traffic *to* the region's VPCs is dropped; only traffic to
  and from NAT gateways and egress-only internet gateways passes, because those only let
  connections be opened outwards. No connection from the internet is admitted either way.

An exclusion (``DescribeVpcBlockPublicAccessExclusions``) exempts one VPC or subnet from the
account's mode: ``allow-bidirectional`` lets internet traffic in and out; ``allow-egress``
lets it out only (inbound stays blocked). So an internet client can open a connection to an
interface only when the mode is ``off``, or an exclusion in ``allow-bidirectional`` mode that
is in force covers the interface's subnet or its VPC. When both a subnet and its VPC have an
exclusion, either one allowing both directions admits it (AWS's guide does not say which
wins; this errs towards exposure). Exclusions do nothing where the account's setting says
``ExclusionsAllowed: not-allowed`` (BPA enforced by the organization).

Erring towards exposure, as the rest of the engine does: a region whose setting was not read
(a coverage gap, recorded in the snapshot's errors) or is changing (``update-in-progress``)
blocks nothing here, and an exclusion counts while it exists, including while it is being
updated, deleted or disabled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.exposure.model import Step

OPTIONS = "aws.vpc-block-public-access"
EXCLUSION = "aws.vpc-block-public-access-exclusion"
BLOCKING_MODES = frozenset({"block-bidirectional", "block-ingress"})
# Exclusion states in which the exclusion is in force.
IN_FORCE = frozenset(
    {
        "create-complete",
        "update-in-progress",
        "update-complete",
        "update-failed",
        "delete-in-progress",
        "disable-in-progress",
    }
)


@dataclass(frozen=True)
class Exclusion:
    id: str
    resource: str  # the VPC or subnet id
    mode: str


@dataclass(frozen=True)
class BlockPublicAccess:
    """One region's BPA: the mode that applies (``off`` when unknown) and the exclusions."""

    region: str = ""
    mode: str = "off"
    exclusions: Mapping[str, tuple[Exclusion, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, resources: Mapping[str, Sequence[Mapping[str, Any]]]) -> BlockPublicAccess:
        settings = list(resources.get(OPTIONS, []) or [])
        if not settings:
            return cls()
        options = settings[0]
        region = str(options.get("AwsRegion", ""))
        mode = str(options.get("InternetGatewayBlockMode") or "off")
        if options.get("State") == "update-in-progress" or mode not in BLOCKING_MODES:
            return cls(region)
        if options.get("ExclusionsAllowed") == "not-allowed":
            return cls(region, mode)
        by_resource: dict[str, list[Exclusion]] = {}
        for item in resources.get(EXCLUSION, []) or []:
            if item.get("State") not in IN_FORCE:
                continue
            target = str(item.get("ResourceArn") or "").rsplit("/", 1)[-1]
            exclusion = Exclusion(
                str(item.get("ExclusionId", "")),
                target,
                str(item.get("InternetGatewayExclusionMode", "")),
            )
            by_resource.setdefault(target, []).append(exclusion)
        return cls(region, mode, {k: tuple(v) for k, v in by_resource.items()})

    @property
    def blocking(self) -> bool:
        return self.mode in BLOCKING_MODES

    def inbound(self, subnet: str, vpc: str) -> tuple[Step | None, Step | None]:
        """(the step that blocks inbound connections to the subnet, the exclusion step that
        lets them through); both None when BPA does not apply."""
        if not self.blocking:
            return None, None
        found = [*self.exclusions.get(subnet, ()), *self.exclusions.get(vpc, ())]
        for exclusion in found:
            if exclusion.mode == "allow-bidirectional":
                detail = (
                    f"excludes {exclusion.resource} from VPC Block Public Access "
                    f"({self.mode}): allow-bidirectional"
                )
                return None, Step(EXCLUSION, exclusion.id, detail)
        detail = f"VPC Block Public Access: {self.mode}"
        egress_only = [e for e in found if e.mode == "allow-egress"]
        if egress_only:
            detail += f" (exclusion {egress_only[0].id} allows egress only)"
        return Step(OPTIONS, self.region, detail), None
