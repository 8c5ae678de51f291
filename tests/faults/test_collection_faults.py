"""Collection through a loopback proxy that breaks responses the way networks, proxies and
AWS break them (issue 11: the fault-injection suite, and defect 1).

Each case collects the same moto world twice, fault-free and through the fault, and
requires that every resource of the fault-free snapshot is in the faulted one unchanged or
accounted for by an ``errors`` entry, and that exactly the expected (region, type) units
are reported unreadable: a fault that is retried away leaves no trace, one that outlasts
the retries is a gap for that unit only. Retries are made cheap (two attempts, standard
mode) so the suite stays fast; the behaviour under test is the same with netwarden's
production defaults.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.aws.session import AccountTarget, AwsContext
from scanner.cli import cli
from scanner.collect.collectors import COLLECTORS
from scanner.collect.runner import CollectOptions, collect
from scanner.demo.server import MotoServer
from tests.conftest import ACCOUNT, AwsEnv, point_aws_at
from tests.faults.accounting import Gap, gaps, unaccounted
from tests.faults.proxy import HTML_500, HTML_503, Fault, ec2_error, fault_proxy, json_error
from tests.integration.builders import create_every_type

REGIONS = ("eu-west-1", "us-east-1")
EC2_TYPES = {c.type for _, c in COLLECTORS.items() if c.service == "ec2"}
JSON_11 = "application/x-amz-json-1.1"


@dataclass(frozen=True)
class World:
    server: MotoServer
    clean: dict[str, Any]

    def collect(self, *faults: Fault, processes: int = 1, read_timeout: float = 60) -> Any:
        with fault_proxy(self.server.url, *faults) as proxy:
            snapshot = collect_through(proxy.url, processes=processes, read_timeout=read_timeout)
        fired = sum(fault.hits for fault in faults)
        return snapshot, fired


def collect_through(url: str, processes: int = 1, read_timeout: float = 60) -> dict[str, Any]:
    context = AwsContext(endpoint_url=url, read_timeout=read_timeout)
    options = CollectOptions(regions=REGIONS, endpoint_url=url, processes=processes)
    return collect([AccountTarget()], options, context)


@pytest.fixture(scope="module")
def world(moto_server: MotoServer) -> Iterator[World]:
    """One seeded moto world for the module (collection only reads it) and its fault-free
    snapshot, taken through the proxy as every faulted one is."""
    with pytest.MonkeyPatch.context() as env:
        point_aws_at(env, None)  # every client is given the fault proxy's URL
        env.setenv("AWS_MAX_ATTEMPTS", "2")
        env.setenv("AWS_RETRY_MODE", "standard")
        moto_server.reset()
        aws = AwsEnv(endpoint_url=moto_server.url, server=moto_server)
        for region in REGIONS:
            create_every_type(aws.client, region)
        with fault_proxy(moto_server.url) as proxy:
            clean = collect_through(proxy.url)
        assert gaps(clean) == set()
        regions = clean["accounts"][ACCOUNT]["regions"]
        assert all(regions[r]["resources"]["aws.vpc"] for r in REGIONS)
        yield World(moto_server, clean)


def unit(region: str, rtype: str) -> Gap:
    return (ACCOUNT, region, rtype)


def codes(snapshot: dict[str, Any]) -> dict[Gap, str]:
    return {
        (account, region, error["type"]): error["code"]
        for account, data in snapshot["accounts"].items()
        for region, region_data in data["regions"].items()
        for error in region_data["errors"]
    }


# (name, faults, the units reported unreadable, their error code)
CASES: list[tuple[str, list[Fault], set[Gap], str | None]] = [
    (
        "truncated EC2 XML, every attempt",
        [Fault("truncate", "ec2", "DescribeSubnets", "us-east-1", keep=120)],
        {unit("us-east-1", "aws.subnet")},
        "UnparseableResponse",
    ),
    (
        "truncated EC2 XML once: read again",
        [Fault("truncate", "ec2", "DescribeSubnets", "us-east-1", times=1, keep=120)],
        set(),
        None,
    ),
    (
        "HTML 500 after the retries",
        [Fault("status", "ec2", "DescribeVpcs", "eu-west-1", status=500, body=HTML_500)],
        {unit("eu-west-1", "aws.vpc")},
        "500",
    ),
    (
        "HTML 503 once: retried away",
        [Fault("status", "cloudtrail", "DescribeTrails", times=1, status=503, body=HTML_503)],
        set(),
        None,
    ),
    (
        "HTML page with status 200 (a captive portal)",
        [Fault("status", "ec2", "DescribeSecurityGroups", "eu-west-1", status=200, body=HTML_500)],
        {unit("eu-west-1", "aws.security-group")},
        "UnparseableResponse",
    ),
    (
        "truncated CloudTrail JSON",
        [Fault("truncate", "cloudtrail", "DescribeTrails", "us-east-1", keep=40)],
        {unit("us-east-1", "aws.cloudtrail")},
        "UnparseableResponse",
    ),
    (
        "truncated GuardDuty JSON",
        [Fault("truncate", "guardduty", "GET /detector", "eu-west-1", keep=10)],
        {unit("eu-west-1", "aws.guardduty-detector")},
        "UnparseableResponse",
    ),
    (
        "an empty JSON body with status 200",
        [Fault("status", "config", "DescribeConfigurationRecorders", status=200, body=b"")],
        {unit(r, "aws.config-recorder") for r in REGIONS},
        "UnparseableResponse",
    ),
    (
        "connection reset on every attempt",
        [Fault("reset", "ec2", "DescribeRouteTables", "us-east-1")],
        {unit("us-east-1", "aws.route-table")},
        "ConnectionClosedError",
    ),
    (
        "connection reset once: retried away",
        [Fault("reset", "ec2", "DescribeRouteTables", times=1)],
        set(),
        None,
    ),
    (
        "body cut on the wire",
        [Fault("short", "ec2", "DescribeNetworkAcls", "eu-west-1", keep=200)],
        {unit("eu-west-1", "aws.network-acl")},
        "ConnectionClosedError",
    ),
    (
        "slow answers inside the read timeout",
        [Fault("delay", "ec2", region="us-east-1", times=6, seconds=0.3)],
        set(),
        None,
    ),
    (
        "EC2 throttling (XML RequestLimitExceeded) once",
        [
            Fault(
                "status",
                "ec2",
                "DescribeInternetGateways",
                times=1,
                status=503,
                content_type="text/xml",
                body=ec2_error("RequestLimitExceeded"),
            )
        ],
        set(),
        None,
    ),
    (
        "EC2 throttling that outlasts the retries",
        [
            Fault(
                "status",
                "ec2",
                "DescribeInternetGateways",
                "us-east-1",
                status=503,
                content_type="text/xml",
                body=ec2_error("RequestLimitExceeded"),
            )
        ],
        {unit("us-east-1", "aws.internet-gateway")},
        "RequestLimitExceeded",
    ),
    (
        "CloudTrail throttling (JSON ThrottlingException)",
        [
            Fault(
                "status",
                "cloudtrail",
                "DescribeTrails",
                "eu-west-1",
                status=400,
                content_type=JSON_11,
                body=json_error("ThrottlingException", "Rate exceeded"),
            )
        ],
        {unit("eu-west-1", "aws.cloudtrail")},
        "ThrottlingException",
    ),
    (
        "GuardDuty throttling (429 TooManyRequestsException)",
        [
            Fault(
                "status",
                "guardduty",
                region="us-east-1",
                status=429,
                content_type="application/json",
                body=json_error("TooManyRequestsException"),
            )
        ],
        {unit("us-east-1", "aws.guardduty-detector")},
        "TooManyRequestsException",
    ),
    (
        "AccessDenied for one region (every EC2 call there)",
        [
            Fault(
                "status",
                "ec2",
                region="eu-west-1",
                status=403,
                content_type="text/xml",
                body=ec2_error("UnauthorizedOperation", "You are not authorized"),
            )
        ],
        {unit("eu-west-1", rtype) for rtype in EC2_TYPES},
        "UnauthorizedOperation",
    ),
    (
        "AccessDenied for one type (its Describe call)",
        [
            Fault(
                "status",
                "ec2",
                "DescribeVpcEndpoints",
                status=403,
                content_type="text/xml",
                body=ec2_error("UnauthorizedOperation", "You are not authorized"),
            )
        ],
        {unit(r, "aws.vpc-endpoint") for r in REGIONS},
        "UnauthorizedOperation",
    ),
    (
        "HTTP 503 HTML page that outlasts the retries",
        [Fault("status", "ec2", "DescribeNatGateways", "us-east-1", status=503, body=HTML_503)],
        {unit("us-east-1", "aws.nat-gateway")},
        "UnparseableResponse",
    ),
    (
        "EC2 throttling (XML Throttling) that outlasts the retries",
        [
            Fault(
                "status",
                "ec2",
                "DescribeVpcPeeringConnections",
                "eu-west-1",
                status=400,
                content_type="text/xml",
                body=ec2_error("Throttling", "Rate exceeded"),
            )
        ],
        {unit("eu-west-1", "aws.peering-connection")},
        "Throttling",
    ),
    (
        "AccessDenied for one type (its enrich call)",
        [
            Fault(
                "status",
                "cloudtrail",
                "GetTrailStatus",
                status=400,
                content_type=JSON_11,
                body=json_error("AccessDeniedException", "not authorized"),
            )
        ],
        # Only the regions that hold a trail make the enrich call.
        {unit(r, "aws.cloudtrail") for r in REGIONS},
        "AccessDeniedException",
    ),
]


@pytest.mark.parametrize(("name", "faults", "expected", "code"), CASES, ids=[c[0] for c in CASES])
def test_every_missing_resource_is_accounted_for(
    world: World, name: str, faults: list[Fault], expected: set[Gap], code: str | None
) -> None:
    snapshot, fired = world.collect(*faults)
    assert fired, f"{name}: the fault never matched a call"
    assert unaccounted(world.clean, snapshot) == []
    assert gaps(snapshot) == expected
    assert set(codes(snapshot).values()) == ({code} if code else set())


def test_a_slow_answer_past_the_read_timeout_is_a_gap(world: World) -> None:
    slow = Fault("delay", "ec2", "DescribeVpcEndpoints", "eu-west-1", seconds=3)
    snapshot, fired = world.collect(slow, read_timeout=0.5)
    assert fired == 2  # both attempts
    assert unaccounted(world.clean, snapshot) == []
    assert codes(snapshot) == {unit("eu-west-1", "aws.vpc-endpoint"): "ReadTimeoutError"}


def test_faults_in_worker_processes_are_gaps_too(world: World) -> None:
    """Spread over two processes, one block each: a worker's unparseable answer is a gap in
    its region, not a failed collection."""
    faults = [
        Fault("truncate", "ec2", "DescribeVpcs", "eu-west-1", keep=100),
        Fault("status", "ec2", "DescribeSubnets", "us-east-1", status=200, body=HTML_503),
    ]
    snapshot, _ = world.collect(*faults, processes=2)
    assert unaccounted(world.clean, snapshot) == []
    assert gaps(snapshot) == {unit("eu-west-1", "aws.vpc"), unit("us-east-1", "aws.subnet")}


def test_an_unreadable_identity_is_an_account_gap(world: World) -> None:
    snapshot, _ = world.collect(Fault("truncate", "sts", "GetCallerIdentity", keep=50))
    assert snapshot["accounts"]["default"]["regions"] == {}
    assert snapshot["accounts"]["default"]["errors"][0]["code"] == "UnparseableResponse"


def test_unreadable_region_list_is_an_account_gap(world: World) -> None:
    fault = Fault("status", "ec2", "DescribeRegions", status=200, body=HTML_500)
    with fault_proxy(world.server.url, fault) as proxy:
        context = AwsContext(endpoint_url=proxy.url)
        snapshot = collect([AccountTarget()], CollectOptions(endpoint_url=proxy.url), context)
    assert fault.hits
    assert snapshot["accounts"][ACCOUNT]["regions"] == {}
    assert [e["type"] for e in snapshot["accounts"][ACCOUNT]["errors"]] == ["regions"]


def cli_collect(url: str, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["collect", "--endpoint-url", url, "--regions", ",".join(REGIONS), "-o", str(out)]
    )
    return result.exit_code, result.output


def test_collect_exit_codes_through_faults(world: World, tmp_path: Path) -> None:
    """The contract: 3 when a unit could not be read (snapshot written, the rest kept), 0 when
    the retries recovered; never a traceback, never 1 or 4."""
    truncated = Fault("truncate", "ec2", "DescribeSubnets", "us-east-1", keep=120)
    with fault_proxy(world.server.url, truncated) as proxy:
        code, output = cli_collect(proxy.url, tmp_path / "gap.json")
    assert code == 3, output
    assert "could not read aws.subnet in 123456789012/us-east-1: UnparseableResponse" in output
    assert "Traceback" not in output
    snapshot = json.loads((tmp_path / "gap.json").read_text())
    assert unaccounted(world.clean, snapshot) == []

    once = Fault("reset", "ec2", "DescribeVpcs", times=1)
    with fault_proxy(world.server.url, once) as proxy:
        code, output = cli_collect(proxy.url, tmp_path / "ok.json")
    assert code == 0, output
    assert once.hits == 1
