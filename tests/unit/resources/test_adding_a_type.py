"""The README's "Adding a resource type" stays true: its type, declared in one family module
as the README shows, is complete, agrees with Custodian, round-trips through its inverse and
enters the catalog in collection order without any other file changing; and the engines hold
no type table of their own that such a type would have to be added to."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from scanner import resources
from scanner.attribution import events
from scanner.collect.collectors import COLLECTORS
from scanner.resources import catalog, vpc
from scanner.resources.base import ResourceType
from scanner.securityhub.asff import ASFF_TYPES
from tests.unit.resources import checks, samples

REPO = Path(__file__).resolve().parents[3]


def _section() -> str:
    readme = (REPO / "README.md").read_text()
    return readme.split("\n## Adding a resource type\n", 1)[1].split("\n## ", 1)[0]


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", _section(), re.S)


@pytest.fixture(scope="module")
def family() -> ModuleType:
    """scanner/resources/vpc.py with the README's first block appended, as a module."""
    module = ModuleType("scanner.resources.vpc_with_readme_type")
    module.__dict__.update(vars(vpc))
    exec(compile(_blocks()[0], "README.md", "exec"), module.__dict__)
    return module


@pytest.fixture(scope="module")
def new_type(family: ModuleType) -> ResourceType:
    added = [t for t in family.TYPES if t not in vpc.TYPES]
    assert len(added) == 1, "the README adds one type"
    rtype: ResourceType = added[0]
    assert rtype.name not in resources.CATALOG, "the example must be a type not yet in the catalog"
    return rtype


@pytest.fixture(scope="module")
def sample(new_type: ResourceType) -> dict[str, Any]:
    namespace: dict[str, Any] = {**vars(samples), "SAMPLES": {}}
    exec(compile(_blocks()[1], "README.md", "exec"), namespace)
    assert set(namespace["SAMPLES"]) == {new_type.name}
    item: dict[str, Any] = namespace["SAMPLES"][new_type.name]
    return item


def test_the_files_the_walk_through_names_exist() -> None:
    named = set(re.findall(r"`((?:scanner|tests|docs)/[\w/.]+\.(?:py|json))`", _section()))
    assert {"scanner/resources/vpc.py", "tests/unit/resources/samples.py"} <= named
    for path in named:
        assert (REPO / path).is_file(), path


def test_the_readme_type_passes_every_check_a_catalog_type_passes(
    new_type: ResourceType, sample: dict[str, Any]
) -> None:
    checks.assert_every_facet_declared_or_absent(new_type)
    checks.assert_collector_agrees_with_custodian(new_type)
    checks.assert_collector_agrees_with_botocore(new_type)
    checks.assert_arn_agrees_with_custodian(new_type)
    checks.assert_has_cloudtrail_events(new_type)
    checks.assert_inverse_round_trips(new_type, sample, samples.ACCOUNT)
    assert new_type.arn_of("dopt-1", "111111111111", "eu-west-1", "aws") == (
        "arn:aws:ec2:eu-west-1:111111111111:dhcp-options/dopt-1"
    )


def test_the_edited_family_module_alone_puts_the_type_in_the_catalog(
    family: ModuleType, new_type: ResourceType
) -> None:
    families = tuple(family if f is vpc else f for f in catalog.FAMILIES)
    built = catalog.build(families)
    first, *rest = resources.CATALOG  # the VPC, then every other type
    assert list(built) == [first, new_type.name, *rest]
    assert built.get(new_type.name) is new_type


def test_a_type_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        catalog.build((vpc, vpc))


def test_the_engines_read_the_catalog_and_keep_no_type_table_of_their_own() -> None:
    # Each table an engine indexes by type is computed from the catalog, so it cannot lack
    # a type the catalog has.
    assert list(COLLECTORS) == list(resources.CATALOG)
    assert frozenset().union(*(t.events for t in resources.types())) == events.INTERESTING
    assert {name for name in ASFF_TYPES if name != "aws.account"} == {
        t.name for t in resources.types() if t.asff_type is not None
    }
