"""The catalog's ``exposure_role`` facet and the exposure engine cannot disagree: the types the
engine reads from a region (recorded as it runs over every type's sample) are exactly those with
an endpoint, path or owner role, the engine's own type names have the roles they are used in,
and exposure drift takes its address types from the catalog."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest

from scanner import resources
from scanner.exposure import drift, engine, verdicts
from scanner.resources.base import EXPOSURE_ROLES
from tests.unit.resources.samples import ACCOUNT, SAMPLES

READ_ROLES = ("endpoint", "path", "owner")


class Recording(Mapping[str, Sequence[Mapping[str, Any]]]):
    """A region's resources that note every type asked for (get, [], in)."""

    def __init__(self, data: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        self._data = dict(data)
        self.asked: set[str] = set()

    def __getitem__(self, key: str) -> Sequence[Mapping[str, Any]]:
        self.asked.add(key)
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        self.asked.add(str(key))
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("the engine asks for types by name; iterating reads them all")

    def __len__(self) -> int:
        return len(self._data)


def _region() -> Recording:
    return Recording({name: [item] for name, item in SAMPLES.items()})


def test_every_type_has_a_role_or_a_reason_and_the_roles_are_the_known_ones() -> None:
    for rtype in resources.types():
        if rtype.exposure_role is None:
            reason = rtype.absent.get("exposure_role", "")
            assert len(reason) > 20, f"{rtype.name}: a reason, not a placeholder"
            assert "yet" not in reason, f"{rtype.name}: the engine exists; say why it is not read"
        else:
            assert rtype.exposure_role in EXPOSURE_ROLES
            assert "exposure_role" not in rtype.absent


def test_the_engine_reads_exactly_the_types_with_a_read_role() -> None:
    region = _region()
    engine.analyse_region(region, ACCOUNT, "eu-west-1")
    assert region.asked == resources.with_exposure_role(*READ_ROLES)


def test_the_engines_type_names_have_the_roles_they_are_used_in() -> None:
    assert resources.with_exposure_role("endpoint") == {engine.ENI}
    assert {engine.SG, engine.ACL, engine.RT, engine.IGW} <= resources.with_exposure_role("path")
    assert {verdicts.SG, verdicts.ACL} <= resources.with_exposure_role("path")
    assert set(verdicts.NEEDED) <= resources.with_exposure_role(*READ_ROLES)


def test_exposure_drift_takes_the_address_types_from_the_catalog() -> None:
    assert resources.with_exposure_role("address") == drift.ADDRESS_TYPES
    assert {"aws.elastic-ip"} == drift.ADDRESS_TYPES


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("aws.eni", "endpoint"),
        ("aws.subnet", "path"),
        ("aws.route-table", "path"),
        ("aws.network-acl", "path"),
        ("aws.internet-gateway", "path"),
        ("aws.security-group", "path"),
        ("aws.prefix-list", "path"),
        ("aws.vpc-block-public-access", "path"),
        ("aws.vpc-block-public-access-exclusion", "path"),
        ("aws.nat-gateway", "owner"),
        ("aws.elastic-ip", "address"),
        ("aws.vpc", None),
        ("aws.egress-only-internet-gateway", None),
        ("aws.peering-connection", None),
        ("aws.transit-gateway", None),
        ("aws.flow-log", None),
    ],
)
def test_the_roles_as_aws_defines_the_path(name: str, role: str | None) -> None:
    assert resources.get(name).exposure_role == role
