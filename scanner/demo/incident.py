"""The demo's incident: the unauthorized network changes made to the seeded organisation.

Every write goes through one recorder, so the result lists each change with the API call that
made it (event name, request parameters as sent, the answer, the time), which is what
``cloudtrail.py`` turns into CloudTrail records for attribution.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.demo.seed import ClientFactory, SeedResult, assume_role_factory

EXTERNAL_ACCOUNT = "999999999999"
EXTERNAL_VPC_CIDR = "192.168.128.0/20"
INTERNET = "0.0.0.0/0"
EXPOSED_PORTS = (22, 3389)  # SSH and RDP
RDP_NACL_RULE_NUMBER = 90  # below the ACL's own rules, so it is evaluated first


@dataclass(frozen=True)
class ApiCall:
    """One write API call of the incident, with what CloudTrail needs to record it."""

    event_name: str  # the API operation, e.g. "AuthorizeSecurityGroupIngress"
    event_source: str  # e.g. "ec2.amazonaws.com"
    region: str
    resource_type: str  # the Custodian type of the resource it changed, e.g. "aws.vpc"
    resource_id: str
    request_parameters: Mapping[str, Any]  # the API parameters exactly as sent (PascalCase)
    response: Mapping[str, Any]  # the API's answer, without ResponseMetadata, JSON-safe
    event_time: str  # UTC, ISO 8601 to the second with a "Z", as CloudTrail writes it


@dataclass(frozen=True)
class IncidentResult:
    """What the incident changed, by role, and every call in the order it was made."""

    account_id: str
    region: str
    external_account_id: str
    external_vpc_id: str
    exposed_sg_id: str  # the bastion group, now open to the internet
    exposed_ports: tuple[int, ...]
    exposed_sg_rule_ids: tuple[str, ...]
    rogue_igw_id: str
    internal_vpc_id: str
    internal_route_table_id: str
    rogue_peering_id: str
    deleted_flow_log_id: str
    flow_log_vpc_id: str
    eip_allocation_id: str
    eip_public_ip: str
    nacl_id: str
    nacl_rule_number: int
    calls: tuple[ApiCall, ...] = field(default=())

    def calls_for(self, resource_id: str) -> tuple[ApiCall, ...]:
        """The calls that changed ``resource_id``."""
        return tuple(call for call in self.calls if call.resource_id == resource_id)


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=_iso))


def _iso(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


class _Recorder:
    """Makes EC2 calls in one region and records each as an ``ApiCall``."""

    def __init__(self, ec2: Any, region: str) -> None:
        self.ec2, self.region = ec2, region
        self.calls: list[ApiCall] = []

    def __call__(
        self,
        operation: str,
        resource_type: str,
        resource_id: str | Callable[[Mapping[str, Any]], str],
        **params: Any,
    ) -> dict[str, Any]:
        when = _iso(dt.datetime.now(dt.UTC))
        response = getattr(self.ec2, operation)(**params)
        response.pop("ResponseMetadata", None)
        self.calls.append(
            ApiCall(
                event_name=self.ec2.meta.method_to_api_mapping[operation],
                event_source="ec2.amazonaws.com",
                region=self.region,
                resource_type=resource_type,
                resource_id=resource_id if isinstance(resource_id, str) else resource_id(response),
                request_parameters=_json_safe(params),
                response=_json_safe(response),
                event_time=when,
            )
        )
        result: dict[str, Any] = response
        return result


def _world(port: int, description: str) -> dict[str, Any]:
    return {
        "IpProtocol": "tcp",
        "FromPort": port,
        "ToPort": port,
        "IpRanges": [{"CidrIp": INTERNET, "Description": description}],
    }


def apply_incident(
    make_client: ClientFactory,
    seed: SeedResult,
    external_account_factory: ClientFactory | None = None,
) -> IncidentResult:
    """Make the incident's unauthorized changes to the seeded organisation's primary region.

    ``external_account_factory`` is a client factory acting in the unknown account that
    receives the peering request; by default one for account 999999999999 via AssumeRole.
    In the order an intruder would: flow logs off, the bastion opened to SSH and RDP from
    the internet, the public ACL opened to RDP, an internet gateway on the internal VPC with
    a default route to it, an Elastic IP kept in reserve, and a peering request from the
    internal VPC to the unknown account.
    """
    region = seed.primary_region
    external = external_account_factory or assume_role_factory(make_client, EXTERNAL_ACCOUNT)
    external_account = external("sts", region).get_caller_identity()["Account"]
    # The far side of the peering lives in the other account: not one of our calls.
    external_vpc_id = external("ec2", region).create_vpc(CidrBlock=EXTERNAL_VPC_CIDR)["Vpc"][
        "VpcId"
    ]
    call = _Recorder(make_client("ec2", region), region)

    flow_log_id = seed.prod_flow_log_id
    call("delete_flow_logs", "aws.flow-log", flow_log_id, FlowLogIds=[flow_log_id])
    rule_ids = []
    for port in EXPOSED_PORTS:  # one call per port, as `aws ec2 authorize-...` typed twice
        authorized = call(
            "authorize_security_group_ingress",
            "aws.security-group",
            seed.bastion_sg_id,
            GroupId=seed.bastion_sg_id,
            IpPermissions=[_world(port, "temp debug")],
        )
        rule_ids += [r["SecurityGroupRuleId"] for r in authorized.get("SecurityGroupRules", [])]
    call(
        "create_network_acl_entry",
        "aws.network-acl",
        seed.prod_nacl_id,
        NetworkAclId=seed.prod_nacl_id,
        RuleNumber=RDP_NACL_RULE_NUMBER,
        Protocol="6",
        RuleAction="allow",
        Egress=False,
        CidrBlock=INTERNET,
        PortRange={"From": 3389, "To": 3389},
    )
    igw_id = call(
        "create_internet_gateway",
        "aws.internet-gateway",
        lambda r: str(r["InternetGateway"]["InternetGatewayId"]),
    )["InternetGateway"]["InternetGatewayId"]
    call(
        "attach_internet_gateway",
        "aws.internet-gateway",
        igw_id,
        InternetGatewayId=igw_id,
        VpcId=seed.internal_vpc_id,
    )
    call(
        "create_route",
        "aws.route-table",
        seed.internal_route_table_id,
        RouteTableId=seed.internal_route_table_id,
        DestinationCidrBlock=INTERNET,
        GatewayId=igw_id,
    )
    address = call(
        "allocate_address", "aws.elastic-ip", lambda r: str(r["AllocationId"]), Domain="vpc"
    )
    peering_id = call(
        "create_vpc_peering_connection",
        "aws.peering-connection",
        lambda r: str(r["VpcPeeringConnection"]["VpcPeeringConnectionId"]),
        VpcId=seed.internal_vpc_id,
        PeerVpcId=external_vpc_id,
        PeerOwnerId=external_account,
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]

    return IncidentResult(
        account_id=seed.account_id,
        region=region,
        external_account_id=external_account,
        external_vpc_id=external_vpc_id,
        exposed_sg_id=seed.bastion_sg_id,
        exposed_ports=EXPOSED_PORTS,
        exposed_sg_rule_ids=tuple(rule_ids),
        rogue_igw_id=igw_id,
        internal_vpc_id=seed.internal_vpc_id,
        internal_route_table_id=seed.internal_route_table_id,
        rogue_peering_id=peering_id,
        deleted_flow_log_id=flow_log_id,
        flow_log_vpc_id=seed.prod_vpc_id,
        eip_allocation_id=address["AllocationId"],
        eip_public_ip=address["PublicIp"],
        nacl_id=seed.prod_nacl_id,
        nacl_rule_number=RDP_NACL_RULE_NUMBER,
        calls=tuple(call.calls),
    )
