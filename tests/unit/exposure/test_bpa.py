"""VPC Block Public Access on literal worlds: each account mode, each exclusion mode and
state, the organization's "no exclusions", a setting that is changing or was not read, both
address families, and what a blocked open rule says."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.exposure import ExposureReport, analyse_region
from tests.unit.exposure import worlds as w


def run(**bpa: list[dict[str, Any]]) -> ExposureReport:
    """The default world (sg-1 opens tcp/22 to eni-1, public on IPv4 and IPv6) with BPA."""
    resources = w.world(
        routes=[
            w.route("10.0.0.0/16", "local"),
            w.route("0.0.0.0/0", "igw-1"),
            w.route("::/0", "igw-1"),
        ],
        perms=[w.perm(cidrs=["0.0.0.0/0"], v6=["::/0"])],
        enis=[w.eni(v6=["2001:db8::5"])],
    )
    resources.update(bpa)
    return analyse_region(resources, w.ACCOUNT, w.REGION)


def families(report: ExposureReport) -> set[str]:
    return {e.family for e in report.exposures}


def blocked_by(report: ExposureReport) -> set[tuple[str, str, str]]:
    return {(b.family, b.blocked_by.type, b.blocked_by.detail) for b in report.blocked}


@pytest.mark.parametrize("mode", ["block-bidirectional", "block-ingress"])
def test_a_blocking_mode_cuts_every_inbound_path_on_both_families(mode: str) -> None:
    report = run(**{"aws.vpc-block-public-access": [w.bpa(mode)]})
    assert report.exposures == ()
    assert blocked_by(report) == {
        (family, "aws.vpc-block-public-access", f"VPC Block Public Access: {mode}")
        for family in ("ipv4", "ipv6")
    }
    assert {b.blocked_by.id for b in report.blocked} == {w.REGION}


def test_off_blocks_nothing() -> None:
    report = run(**{"aws.vpc-block-public-access": [w.bpa("off", state="default-state")]})
    assert families(report) == {"ipv4", "ipv6"}
    assert report.blocked == ()
    assert all(
        s.type != "aws.vpc-block-public-access-exclusion" for e in report.exposures for s in e.path
    )


@pytest.mark.parametrize("target", ["subnet-1", "vpc-1"])
@pytest.mark.parametrize("mode", ["block-bidirectional", "block-ingress"])
def test_an_allow_bidirectional_exclusion_lets_the_internet_in_and_is_on_the_path(
    mode: str, target: str
) -> None:
    report = run(
        **{
            "aws.vpc-block-public-access": [w.bpa(mode)],
            "aws.vpc-block-public-access-exclusion": [w.bpa_exclusion("exclusion-1", target)],
        }
    )
    assert families(report) == {"ipv4", "ipv6"}
    for exposure in report.exposures:
        step = next(s for s in exposure.path if s.type.endswith("exclusion"))
        assert step.id == "exclusion-1"
        assert step.detail == (
            f"excludes {target} from VPC Block Public Access ({mode}): allow-bidirectional"
        )


@pytest.mark.parametrize("mode", ["block-bidirectional", "block-ingress"])
def test_an_allow_egress_exclusion_keeps_inbound_blocked_and_says_so(mode: str) -> None:
    report = run(
        **{
            "aws.vpc-block-public-access": [w.bpa(mode)],
            "aws.vpc-block-public-access-exclusion": [
                w.bpa_exclusion("exclusion-1", "subnet-1", "allow-egress")
            ],
        }
    )
    assert report.exposures == ()
    assert {d for _, _, d in blocked_by(report)} == {
        f"VPC Block Public Access: {mode} (exclusion exclusion-1 allows egress only)"
    }


def test_an_exclusion_of_another_subnet_or_vpc_does_not_apply() -> None:
    report = run(
        **{
            "aws.vpc-block-public-access": [w.bpa("block-ingress")],
            "aws.vpc-block-public-access-exclusion": [
                w.bpa_exclusion("exclusion-1", "subnet-2"),
                w.bpa_exclusion("exclusion-2", "vpc-2"),
            ],
        }
    )
    assert report.exposures == ()


@pytest.mark.parametrize(
    ("state", "applies"),
    [
        ("create-in-progress", False),
        ("create-complete", True),
        ("create-failed", False),
        ("update-in-progress", True),
        ("update-complete", True),
        ("update-failed", True),
        ("delete-in-progress", True),
        ("delete-complete", False),
        ("disable-in-progress", True),
        ("disable-complete", False),
    ],
)
def test_only_an_exclusion_in_force_exempts(state: str, applies: bool) -> None:
    report = run(
        **{
            "aws.vpc-block-public-access": [w.bpa("block-bidirectional")],
            "aws.vpc-block-public-access-exclusion": [
                w.bpa_exclusion("exclusion-1", "subnet-1", state=state)
            ],
        }
    )
    assert bool(report.exposures) is applies


def test_exclusions_do_nothing_when_the_organization_does_not_allow_them() -> None:
    report = run(
        **{
            "aws.vpc-block-public-access": [
                w.bpa("block-bidirectional", exclusions_allowed="not-allowed")
            ],
            "aws.vpc-block-public-access-exclusion": [w.bpa_exclusion("exclusion-1", "subnet-1")],
        }
    )
    assert report.exposures == ()


def test_a_setting_that_is_changing_or_was_not_read_errs_towards_exposure() -> None:
    changing = run(
        **{
            "aws.vpc-block-public-access": [
                w.bpa("block-bidirectional", state="update-in-progress")
            ]
        }
    )
    assert families(changing) == {"ipv4", "ipv6"}
    # Not collected (a coverage gap the snapshot's errors record): nothing is assumed cut.
    assert families(run()) == {"ipv4", "ipv6"}


def test_no_igw_route_is_named_before_bpa() -> None:
    resources = w.world(routes=[w.route("10.0.0.0/16", "local")])
    resources["aws.vpc-block-public-access"] = [w.bpa("block-bidirectional")]
    report = analyse_region(resources, w.ACCOUNT, w.REGION)
    [cut] = report.blocked
    assert cut.blocked_by.type == "aws.route-table"
