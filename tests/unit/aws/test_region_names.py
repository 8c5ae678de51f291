"""Region names checked against botocore's endpoint data, then DescribeRegions."""

from __future__ import annotations

import pytest

from scanner.aws.regions import check_regions, known_regions
from scanner.errors import InputError


def never() -> list[str]:
    raise AssertionError("DescribeRegions is asked only for a name botocore does not know")


def test_botocore_knows_every_partition() -> None:
    names = known_regions()
    assert {"us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"} <= names
    assert all(name == name.strip() and name.islower() for name in names)


def test_known_names_need_no_call() -> None:
    check_regions(["us-east-1", "eu-west-1", "ap-southeast-2"], never)


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("eu-wset-1", "eu-west-1"), ("us-east1", "us-east-1"), ("useast-2", "us-east-2")],
)
def test_a_typo_names_the_region_meant(typo: str, meant: str) -> None:
    with pytest.raises(InputError) as caught:
        check_regions(["us-east-1", typo], lambda: ["us-east-1", "eu-west-1"])
    assert str(caught.value) == f"--regions: unknown region {typo!r} (did you mean {meant}?)"


def test_nothing_close_gets_no_suggestion() -> None:
    with pytest.raises(InputError, match=r"^--regions: unknown region 'zz'$"):
        check_regions(["zz"], list)


def test_a_region_newer_than_botocore_is_taken_from_describe_regions() -> None:
    check_regions(["xx-newplace-1"], lambda: ["us-east-1", "xx-newplace-1"], known=frozenset())


def test_hostile_names_are_quoted() -> None:
    with pytest.raises(InputError) as caught:
        check_regions(["eu-west-1\x1b[2J"], list)
    assert "\x1b" not in str(caught.value)
