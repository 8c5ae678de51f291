"""A moto world with a resource that must fire and one that must not, per rule (no tests
here: tests/integration/test_policy_rules.py uses it)."""

from __future__ import annotations

import json
from typing import Any

from tests.integration.builders import ClientFactory, main_route_table

OTHER_ACCOUNT = "999999999999"
ANY4 = [{"CidrIp": "0.0.0.0/0"}]
ANY6 = [{"CidrIpv6": "::/0"}]


def _tags(kind: str, **tags: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]


def _sg(ec2: Any, vpc: str, name: str, *perms: dict[str, Any]) -> str:
    group = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    if perms:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=list(perms))
    return str(group)


def _tcp(low: int, high: int | None = None, **ranges: Any) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": low, "ToPort": high or low, **ranges}


def _public_instance(ec2: Any, subnet: str, group: str) -> str:
    """An instance in ``subnet`` with ``group``, at an Elastic IP; its interface id."""
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "Groups": [group]}],
    )["Instances"][0]
    eni = str(instance["NetworkInterfaces"][0]["NetworkInterfaceId"])
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=allocation, NetworkInterfaceId=eni)
    return eni


def _other_account_vpc(client: ClientFactory, endpoint_url: str) -> str:
    """A VPC owned by another account (moto routes assumed-role credentials to it)."""
    import boto3

    creds = client("sts", "us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{OTHER_ACCOUNT}:role/peer", RoleSessionName="peer"
    )["Credentials"]
    other = boto3.client(
        "ec2",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    return str(other.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"])


def build_network(client: ClientFactory, endpoint_url: str) -> dict[str, str]:
    """The network part of the world, in us-east-1; returns the ids tests assert on."""
    ec2 = client("ec2", "us-east-1")
    ids: dict[str, str] = {}
    vpc_int = ec2.create_vpc(
        CidrBlock="10.10.0.0/16", TagSpecifications=_tags("vpc", Exposure="internal")
    )["Vpc"]["VpcId"]
    vpc_pub = ec2.create_vpc(
        CidrBlock="10.20.0.0/16", TagSpecifications=_tags("vpc", Exposure="public")
    )["Vpc"]["VpcId"]
    ids.update(vpc_int=vpc_int, vpc_pub=vpc_pub)
    for name, vpc in (("igw_int", vpc_int), ("igw_pub", vpc_pub)):
        ids[name] = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=ids[name], VpcId=vpc)

    bucket = "flow-logs-bucket"
    client("s3", "us-east-1").create_bucket(Bucket=bucket)
    for vpc, traffic in ((vpc_pub, "ALL"), (vpc_int, "ACCEPT")):
        ec2.create_flow_logs(
            ResourceIds=[vpc],
            ResourceType="VPC",
            TrafficType=traffic,
            LogDestinationType="s3",
            LogDestination=f"arn:aws:s3:::{bucket}",
        )

    groups = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_pub]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )
    clean_default = groups["SecurityGroups"][0]
    for key, revoke in (
        ("IpPermissions", ec2.revoke_security_group_ingress),
        ("IpPermissionsEgress", ec2.revoke_security_group_egress),
    ):
        if clean_default[key]:
            revoke(GroupId=clean_default["GroupId"], IpPermissions=clean_default[key])
    ids["sg_default_clean"] = clean_default["GroupId"]
    ids["sg_default_open"] = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_int]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"][0]["GroupId"]

    ids["sg_ssh"] = _sg(ec2, vpc_pub, "ssh", _tcp(22, IpRanges=ANY4))
    ids["sg_range_v6"] = _sg(ec2, vpc_pub, "range-v6", _tcp(20, 30, Ipv6Ranges=ANY6))
    ids["sg_rdp_v6"] = _sg(ec2, vpc_pub, "rdp-v6", _tcp(3389, Ipv6Ranges=ANY6))
    ids["sg_all"] = _sg(ec2, vpc_pub, "all", {"IpProtocol": "-1", "IpRanges": ANY4})
    ids["sg_web"] = _sg(
        ec2,
        vpc_pub,
        "web",
        _tcp(443, IpRanges=ANY4),
        _tcp(80, IpRanges=ANY4),
        _tcp(443, Ipv6Ranges=ANY6),
    )
    ids["sg_db"] = _sg(ec2, vpc_pub, "db", _tcp(3306, IpRanges=ANY4))
    ids["sg_icmp"] = _sg(
        ec2, vpc_pub, "icmp", {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": ANY4}
    )
    ids["sg_wide_private"] = _sg(
        ec2, vpc_pub, "wide", _tcp(22, IpRanges=[{"CidrIp": "10.0.0.0/8"}])
    )
    ids["sg_narrow_private"] = _sg(
        ec2, vpc_pub, "narrow", _tcp(22, IpRanges=[{"CidrIp": "10.20.0.0/16"}])
    )
    ids["sg_used"] = _sg(ec2, vpc_pub, "used")
    ids["sg_idle"] = _sg(ec2, vpc_pub, "idle")
    # Kerberos, LDAP and NetBIOS/SMB are high-risk ports too.
    ids["sg_kerberos"] = _sg(ec2, vpc_pub, "kerberos", _tcp(88, IpRanges=ANY4))
    ids["sg_ldap"] = _sg(ec2, vpc_pub, "ldap", _tcp(636, Ipv6Ranges=ANY6))
    ids["sg_netbios"] = _sg(ec2, vpc_pub, "netbios", _tcp(139, IpRanges=ANY4))
    # One public address nobody allowed; a public range wider than /24; a narrow one.
    ids["sg_one_address"] = _sg(
        ec2, vpc_pub, "one-address", _tcp(5432, IpRanges=[{"CidrIp": "8.8.4.4/32"}])
    )
    ids["sg_one_address_v6"] = _sg(
        ec2, vpc_pub, "one-v6", _tcp(443, Ipv6Ranges=[{"CidrIpv6": "2600:1f18::7/128"}])
    )
    ids["sg_wide_public"] = _sg(
        ec2, vpc_pub, "wide-public", _tcp(443, IpRanges=[{"CidrIp": "52.0.0.0/8"}])
    )
    ids["sg_narrow_public"] = _sg(
        ec2, vpc_pub, "narrow-public", _tcp(443, IpRanges=[{"CidrIp": "52.94.76.0/24"}])
    )
    # A single private or documentation address is not a public one.
    ids["sg_one_private"] = _sg(
        ec2,
        vpc_pub,
        "one-private",
        _tcp(22, IpRanges=[{"CidrIp": "10.20.0.9/32"}, {"CidrIp": "100.64.0.9/32"}]),
    )

    subnet = ec2.create_subnet(
        VpcId=vpc_pub,
        CidrBlock="10.20.1.0/24",
        TagSpecifications=_tags("subnet", Exposure="private"),
    )["Subnet"]["SubnetId"]
    subnet_ok = ec2.create_subnet(
        VpcId=vpc_pub,
        CidrBlock="10.20.2.0/24",
        TagSpecifications=_tags("subnet", Exposure="private"),
    )["Subnet"]["SubnetId"]
    subnet_main = ec2.create_subnet(
        VpcId=vpc_int,
        CidrBlock="10.10.1.0/24",
        TagSpecifications=_tags("subnet", Exposure="private"),
    )["Subnet"]["SubnetId"]
    subnet_public = ec2.create_subnet(
        VpcId=vpc_pub,
        CidrBlock="10.20.3.0/24",
        TagSpecifications=_tags("subnet", Exposure="public"),
    )["Subnet"]["SubnetId"]
    subnet_auto_ip = ec2.create_subnet(VpcId=vpc_int, CidrBlock="10.10.9.0/24")["Subnet"][
        "SubnetId"
    ]
    ec2.modify_subnet_attribute(SubnetId=subnet_auto_ip, MapPublicIpOnLaunch={"Value": True})
    ids["subnet_auto_ip"] = subnet_auto_ip
    ids.update(
        subnet_private_igw=subnet,
        subnet_private_ok=subnet_ok,
        subnet_private_main=subnet_main,
        subnet_public=subnet_public,
    )
    ec2.create_network_interface(SubnetId=subnet_ok, Groups=[ids["sg_used"]])

    rtb_igw = ec2.create_route_table(VpcId=vpc_pub)["RouteTable"]["RouteTableId"]
    ec2.create_route(
        RouteTableId=rtb_igw, DestinationCidrBlock="0.0.0.0/0", GatewayId=ids["igw_pub"]
    )
    for sub in (subnet, subnet_public):
        ec2.associate_route_table(RouteTableId=rtb_igw, SubnetId=sub)
    rtb_private = ec2.create_route_table(VpcId=vpc_pub)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rtb_private, SubnetId=subnet_ok)
    main_int = main_route_table(ec2, vpc_int)
    ec2.create_route(
        RouteTableId=main_int, DestinationIpv6CidrBlock="::/0", GatewayId=ids["igw_int"]
    )
    ids.update(rtb_igw=rtb_igw, rtb_private=rtb_private)
    # Instances at Elastic IPs, for the exposure rules: SSH and MySQL reachable from the
    # internet in the public subnet; SSH behind no internet route; the web tier, approved.
    for name, sub, group in (
        ("eni_ssh_public", subnet_public, "sg_ssh"),
        ("eni_ssh_private", subnet_ok, "sg_ssh"),
        ("eni_db_public", subnet_public, "sg_db"),
        ("eni_web_public", subnet_public, "sg_web"),
    ):
        ids[name] = _public_instance(ec2, sub, ids[group])

    pcx = ec2.create_vpc_peering_connection(VpcId=vpc_pub, PeerVpcId=vpc_int)[
        "VpcPeeringConnection"
    ]["VpcPeeringConnectionId"]
    ec2.create_route(
        RouteTableId=rtb_igw, DestinationCidrBlock="10.10.0.0/16", VpcPeeringConnectionId=pcx
    )
    ec2.create_route(
        RouteTableId=rtb_private, DestinationCidrBlock="10.10.1.0/24", VpcPeeringConnectionId=pcx
    )
    ids["pcx_internal"] = pcx
    ids["pcx_outside"] = ec2.create_vpc_peering_connection(
        VpcId=vpc_pub, PeerVpcId=_other_account_vpc(client, endpoint_url), PeerOwnerId=OTHER_ACCOUNT
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]

    acl = ec2.create_network_acl(VpcId=vpc_pub)["NetworkAcl"]["NetworkAclId"]
    for number, action, ports in (
        (90, "deny", (22, 22)),
        (91, "deny", (3389, 3389)),
        (100, "allow", (0, 65535)),
    ):
        ec2.create_network_acl_entry(
            NetworkAclId=acl,
            RuleNumber=number,
            Protocol="6",
            RuleAction=action,
            Egress=False,
            CidrBlock="0.0.0.0/0",
            PortRange={"From": ports[0], "To": ports[1]},
        )
    ids["acl_guarded"] = acl
    acl_v6 = ec2.create_network_acl(VpcId=vpc_pub)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(
        NetworkAclId=acl_v6,
        RuleNumber=100,
        Protocol="-1",
        RuleAction="allow",
        Egress=False,
        Ipv6CidrBlock="::/0",
    )
    ids["acl_v6_open"] = acl_v6
    # A non-default ACL in use: the private subnet's association moves to it.
    acl_used = ec2.create_network_acl(VpcId=vpc_pub)["NetworkAcl"]["NetworkAclId"]
    association = ec2.describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet_ok]}]
    )["NetworkAcls"][0]["Associations"]
    ec2.replace_network_acl_association(
        AssociationId=next(
            a["NetworkAclAssociationId"] for a in association if a["SubnetId"] == subnet_ok
        ),
        NetworkAclId=acl_used,
    )
    ids["acl_used"] = acl_used
    ids["acl_default_int"] = ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc_int]}, {"Name": "default", "Values": ["true"]}]
    )["NetworkAcls"][0]["NetworkAclId"]

    ids["vpce_default"] = ec2.create_vpc_endpoint(
        VpcId=vpc_pub, ServiceName="com.amazonaws.us-east-1.s3"
    )["VpcEndpoint"]["VpcEndpointId"]
    own = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            }
        ],
    }
    ids["vpce_own"] = ec2.create_vpc_endpoint(
        VpcId=vpc_int,
        ServiceName="com.amazonaws.us-east-1.dynamodb",
        PolicyDocument=json.dumps(own),
    )["VpcEndpoint"]["VpcEndpointId"]

    cloudwatch = client("cloudwatch", "us-east-1")
    for name in ("nat_watched", "nat_blind"):
        allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
        ids[name] = ec2.create_nat_gateway(SubnetId=subnet_public, AllocationId=allocation)[
            "NatGateway"
        ]["NatGatewayId"]
        ids[f"eip_{name}"] = allocation
    for metric in ("BytesOutToDestination", "ErrorPortAllocation"):
        cloudwatch.put_metric_alarm(
            AlarmName=f"{ids['nat_watched']}-{metric}",
            Namespace="AWS/NATGateway",
            MetricName=metric,
            Dimensions=[{"Name": "NatGatewayId", "Value": ids["nat_watched"]}],
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1.0,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
        )
    ids["eip_idle"] = ec2.allocate_address(Domain="vpc")["AllocationId"]

    ids["tgw_auto"] = ec2.create_transit_gateway(
        Description="auto", Options={"AutoAcceptSharedAttachments": "enable"}
    )["TransitGateway"]["TransitGatewayId"]
    ids["tgw_reviewed"] = ec2.create_transit_gateway(
        Description="reviewed", Options={"AutoAcceptSharedAttachments": "disable"}
    )["TransitGateway"]["TransitGatewayId"]
    customer = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="198.51.100.20", BgpAsn=65000)
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ids["vpn"] = ec2.create_vpn_connection(
        Type="ipsec.1",
        CustomerGatewayId=customer["CustomerGateway"]["CustomerGatewayId"],
        VpnGatewayId=vgw,
    )["VpnConnection"]["VpnConnectionId"]
    return ids


def enable_detection(client: ClientFactory, region: str, trail: bool) -> None:
    """Config recording and GuardDuty in ``region``; a logging multi-region trail if asked."""
    bucket = f"posture-{region}"
    location = (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )
    client("s3", region).create_bucket(Bucket=bucket, **location)
    if trail:
        cloudtrail = client("cloudtrail", region)
        cloudtrail.create_trail(Name="org-trail", S3BucketName=bucket, IsMultiRegionTrail=True)
        cloudtrail.start_logging(Name="org-trail")
    config = client("config", region)
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": "arn:aws:iam::123456789012:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    client("guardduty", region).create_detector(Enable=True)


def eligible(pack: Any) -> list[Any]:
    """The policies that use only Custodian's built-in filters (the differential test's)."""
    from scanner.policy.filters import FILTERS

    def types(filters: Any) -> set[str]:
        found: set[str] = set()
        for flt in filters or []:
            if isinstance(flt, dict):
                for op in ("and", "or", "not"):
                    found |= types(flt.get(op))
                if isinstance(flt.get("type"), str):
                    found.add(flt["type"])
        return found

    return [
        p
        for p in pack.policies
        if not types(p.data.get("filters")) & set(FILTERS.get(p.resource_type, ()))
    ]


def run_custodian(
    policies: list[Any], regions: tuple[str, ...], out: Any, wrapped: list[Any] | None = None
) -> dict[tuple[str, str], set[str]]:
    """`custodian run` against the endpoint in AWS_ENDPOINT_URL, one process per region (in
    parallel); the resource ids each policy found, per (policy name, region).

    ``policies`` run under the bare `custodian` binary; ``wrapped`` (policies that need
    netwarden's filters) under `python -m scanner.policy.custodian`, the same CLI with those
    filters registered.
    """
    import os
    import subprocess
    import sys
    from pathlib import Path

    import yaml

    from scanner.collect.collectors import COLLECTORS
    from scanner.policy.evaluate import with_trusted_accounts

    bare = [str(Path(sys.executable).parent / "custodian")]
    batches = [
        (bare, "bare", policies),
        ([sys.executable, "-m", "scanner.policy.custodian"], "wrapped", wrapped or []),
    ]
    procs = []
    for command, label, batch in batches:
        if not batch:
            continue
        file = Path(out) / f"{label}.yml"
        data = [with_trusted_accounts(dict(p.data), ["123456789012"]) for p in batch]
        file.write_text(yaml.safe_dump({"policies": data}, sort_keys=False))
        for region in regions:
            target = Path(out) / label / region
            args = [
                *command,
                "run",
                "--cache-period",
                "0",
                "-s",
                str(target),
                "-r",
                region,
                str(file),
            ]
            proc = subprocess.Popen(
                args,
                env=dict(os.environ),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            procs.append((proc, batch, region, target))
    found: dict[tuple[str, str], set[str]] = {}
    for proc, batch, region, target in procs:
        output, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, output
        for policy in batch:
            result = target / policy.name / "resources.json"
            assert result.exists(), f"{policy.name} in {region}: {output[-2000:]}"
            key = (
                "account_id"
                if policy.resource_type == "aws.account"
                else COLLECTORS.get(policy.resource_type).id_key
            )
            found[(policy.name, region)] = {str(r[key]) for r in json.loads(result.read_text())}
    return found


# CIS 4.x metric filters: CloudTrail's log group, in the trail's home region.
TRAIL_LOG_GROUP = "cloudtrail/org-trail"
TOPIC = "arn:aws:sns:{region}:123456789012:security-alerts"


def _eb_rule(
    client: ClientFactory,
    region: str,
    name: str,
    detail: dict[str, Any] | None,
    *,
    enabled: bool = True,
    target: bool = True,
) -> None:
    events = client("events", region)
    pattern: dict[str, Any] = {
        "source": ["aws.ec2"],
        "detail-type": ["AWS API Call via CloudTrail"],
    }
    if detail is not None:
        pattern["detail"] = detail
    events.put_rule(
        Name=name, EventPattern=json.dumps(pattern), State="ENABLED" if enabled else "DISABLED"
    )
    if target:
        events.put_targets(
            Rule=name, Targets=[{"Id": "notify", "Arn": TOPIC.format(region=region)}]
        )


def _cis_filter(client: ClientFactory, name: str, events: tuple[str, ...]) -> None:
    pattern = "{ " + " || ".join(f"($.eventName = {e})" for e in events) + " }"
    client("logs", "us-east-1").put_metric_filter(
        logGroupName=TRAIL_LOG_GROUP,
        filterName=name,
        filterPattern=pattern,
        metricTransformations=[
            {"metricName": name, "metricNamespace": "CISBenchmark", "metricValue": "1"}
        ],
    )
    client("cloudwatch", "us-east-1").put_metric_alarm(
        AlarmName=f"cis-{name}",
        Namespace="CISBenchmark",
        MetricName=name,
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=[TOPIC.format(region="us-east-1")],
    )


def enable_change_alerts(client: ClientFactory) -> dict[str, set[str]]:
    """Alerts on network changes (CIS 4.10-4.14), by both methods, so that each change-alert
    rule fires in one region and not the other, or in neither; returns rule id -> the regions
    where it must fire. Needs the multi-region trail of ``enable_detection`` (us-east-1)."""
    from scanner.policy.changealerts import FAMILIES

    acl = FAMILIES["network-acl"].events
    # The trail delivers to CloudWatch Logs: its metric filters see every region's calls.
    client("logs", "us-east-1").create_log_group(logGroupName=TRAIL_LOG_GROUP)
    client("cloudtrail", "us-east-1").update_trail(
        Name="org-trail",
        CloudWatchLogsLogGroupArn=(
            f"arn:aws:logs:us-east-1:123456789012:log-group:{TRAIL_LOG_GROUP}:*"
        ),
        CloudWatchLogsRoleArn="arn:aws:iam::123456789012:role/cloudtrail-logs",
    )
    # 4.12: the CIS filter and alarm on the trail's log group cover both regions.
    _cis_filter(client, "GatewayChanges", FAMILIES["network-gateway"].events)
    # 4.11: the CIS filter lacks ReplaceNetworkAclAssociation, which an EventBridge rule
    # covers in us-east-1 only.
    _cis_filter(client, "NaclChanges", tuple(e for e in acl if e != "ReplaceNetworkAclAssociation"))
    _eb_rule(
        client, "us-east-1", "acl-association", {"eventName": ["ReplaceNetworkAclAssociation"]}
    )
    # 4.10: the exact event list, in us-east-1 only.
    _eb_rule(
        client, "us-east-1", "sg-changes", {"eventName": list(FAMILIES["security-group"].events)}
    )
    # 4.13: prefix matchers; disabled in us-east-1, enabled in eu-west-1.
    routes = {
        "eventSource": ["ec2.amazonaws.com"],
        "eventName": [
            {"prefix": "CreateRoute"},
            {"prefix": "ReplaceRoute"},
            {"prefix": "DeleteRoute"},
            "DisassociateRouteTable",
        ],
    }
    _eb_rule(client, "us-east-1", "routes-paused", routes, enabled=False)
    _eb_rule(client, "eu-west-1", "routes", routes)
    # 4.14: every EC2 call but no target in us-east-1; suffix matchers in eu-west-1.
    _eb_rule(client, "us-east-1", "all-ec2-untargeted", None, target=False)
    vpc = {
        "eventName": [
            {"suffix": "Vpc"},
            {"suffix": "VpcAttribute"},
            {"suffix": "VpcPeeringConnection"},
            {"suffix": "VpcClassicLink"},
        ]
    }
    _eb_rule(client, "eu-west-1", "vpc-changes", vpc)
    return {
        "NW-DET-004": {"eu-west-1"},
        "NW-DET-005": {"eu-west-1"},
        "NW-DET-006": set(),
        "NW-DET-007": {"us-east-1"},
        "NW-DET-008": {"us-east-1"},
    }
