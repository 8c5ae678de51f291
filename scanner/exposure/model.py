"""The exposure records: small, frozen, JSON-serialisable (``to_dict``/``from_dict``).

These are the records other stages join to (flow-log evidence matches an exposure by
``eni`` + ``private_address`` or ``address``, ``protocol`` and a port in
``from_port..to_port``). Field names and values are docs/contract.md's "Exposure" section;
``private_address``, ``vpc`` and ``subnet`` are additions that flow logs need (a flow record
names the interface's private address, not its public one).

``protocol`` is ``tcp``, ``udp``, ``icmp``, ``icmpv6``, a protocol number (``"47"``), or
``all`` (ports -1/-1): every protocol except those in ``except_protocols``, which were
evaluated on their own (they have their own records, or none when they are not reachable).
When every protocol is open on every port by the same path, one ``all`` record with no
exceptions is the only record. Ports are -1/-1 for protocols without ports (ICMP, GRE,
ESP, ...). Use :meth:`Exposure.covers_protocol` and :meth:`Exposure.covers_port` to match.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Family = Literal["ipv4", "ipv6"]

ATTACHMENT_TYPES = (
    "instance",
    "load-balancer",
    "nat-gateway",
    "rds",
    "lambda",
    "vpc-endpoint",
    "other",
)


@dataclass(frozen=True)
class Step:
    """One component of a path: its Custodian resource name, id, and what it contributes
    (``"0.0.0.0/0 -> igw-1"``, ``"inbound rule 100 allows tcp 22 from 0.0.0.0/0"``, ...)."""

    type: str
    id: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"type": self.type, "id": self.id, "detail": self.detail}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Step:
        return cls(str(data["type"]), str(data["id"]), str(data["detail"]))


@dataclass(frozen=True)
class Attachment:
    """What the interface belongs to, in the words a person recognises."""

    type: str  # one of ATTACHMENT_TYPES
    id: str
    name: str

    def to_dict(self) -> dict[str, str]:
        return {"type": self.type, "id": self.id, "name": self.name}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Attachment:
        return cls(str(data["type"]), str(data["id"]), str(data.get("name", "")))


@dataclass(frozen=True)
class Exposure:
    """Internet sources that can open a connection to one address of one interface, for one
    protocol and port range, and the path that admits them."""

    account: str
    region: str
    eni: str
    attachment: Attachment
    address: str  # the public IPv4 / global IPv6 address the internet connects to
    private_address: str  # the interface address it maps to (the same for IPv6)
    vpc: str
    subnet: str
    family: Family
    protocol: str
    from_port: int
    to_port: int
    sources: tuple[str, ...]  # CIDRs
    path: tuple[Step, ...] = field(default=())
    # For protocol "all" only: the protocols that have records of their own (and are not
    # covered by this one); empty when "all" is every protocol.
    except_protocols: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "account": self.account,
            "region": self.region,
            "eni": self.eni,
            "attachment": self.attachment.to_dict(),
            "address": self.address,
            "private_address": self.private_address,
            "vpc": self.vpc,
            "subnet": self.subnet,
            "family": self.family,
            "protocol": self.protocol,
            "from_port": self.from_port,
            "to_port": self.to_port,
            "sources": list(self.sources),
            "path": [step.to_dict() for step in self.path],
        }
        if self.except_protocols:
            data["except_protocols"] = list(self.except_protocols)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Exposure:
        return cls(
            account=str(data["account"]),
            region=str(data["region"]),
            eni=str(data["eni"]),
            attachment=Attachment.from_dict(data["attachment"]),
            address=str(data["address"]),
            private_address=str(data.get("private_address", "")),
            vpc=str(data.get("vpc", "")),
            subnet=str(data.get("subnet", "")),
            family=data["family"],
            protocol=str(data["protocol"]),
            from_port=int(data["from_port"]),
            to_port=int(data["to_port"]),
            sources=tuple(data["sources"]),
            path=tuple(Step.from_dict(s) for s in data.get("path", [])),
            except_protocols=tuple(data.get("except_protocols", [])),
        )

    def ports_text(self) -> str:
        if self.from_port < 0:
            return self.protocol
        if (self.from_port, self.to_port) == (0, 65535):
            return f"{self.protocol}/any"
        if self.from_port == self.to_port:
            return f"{self.protocol}/{self.from_port}"
        return f"{self.protocol}/{self.from_port}-{self.to_port}"

    def covers_port(self, port: int) -> bool:
        """True when ``port`` is in this record's range (portless protocols: any port)."""
        return self.from_port < 0 or self.from_port <= port <= self.to_port

    def covers_protocol(self, protocol: str) -> bool:
        """True when traffic of ``protocol`` (a name as in ``protocol``) is this record's."""
        if self.protocol == "all":
            return protocol not in self.except_protocols
        return protocol == self.protocol


@dataclass(frozen=True)
class Blocked:
    """An open security-group rule (0.0.0.0/0 or ::/0) on an interface, whose path from the
    internet is cut, and the first component that cuts it."""

    account: str
    region: str
    security_group: str
    eni: str
    family: Family
    protocol: str
    from_port: int
    to_port: int
    blocked_by: Step

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "region": self.region,
            "security_group": self.security_group,
            "eni": self.eni,
            "family": self.family,
            "protocol": self.protocol,
            "from_port": self.from_port,
            "to_port": self.to_port,
            "blocked_by": self.blocked_by.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Blocked:
        return cls(
            account=str(data["account"]),
            region=str(data["region"]),
            security_group=str(data["security_group"]),
            eni=str(data["eni"]),
            family=data.get("family", "ipv4"),
            protocol=str(data["protocol"]),
            from_port=int(data["from_port"]),
            to_port=int(data["to_port"]),
            blocked_by=Step.from_dict(data["blocked_by"]),
        )


@dataclass(frozen=True)
class ExposureReport:
    """Everything the engine found in a snapshot, in a deterministic order."""

    exposures: tuple[Exposure, ...] = ()
    blocked: tuple[Blocked, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "exposures": [e.to_dict() for e in self.exposures],
            "blocked": [b.to_dict() for b in self.blocked],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExposureReport:
        return cls(
            exposures=tuple(Exposure.from_dict(e) for e in data.get("exposures", [])),
            blocked=tuple(Blocked.from_dict(b) for b in data.get("blocked", [])),
        )
