"""The catalog is complete and agrees with Cloud Custodian and with the engines that read it."""

from __future__ import annotations

import dataclasses

import pytest

from scanner import resources
from scanner.policy.answers import ANSWERS
from scanner.resources.base import ResourceType
from tests.unit.resources import checks
from tests.unit.resources.samples import SAMPLES

TYPES = list(resources.types())
NAMES = [t.name for t in TYPES]


@pytest.mark.parametrize("rtype", TYPES, ids=NAMES)
def test_every_facet_is_declared_or_absent_with_a_reason(rtype: ResourceType) -> None:
    checks.assert_every_facet_declared_or_absent(rtype)


def test_each_family_module_declares_its_types_and_the_catalog_holds_them_all() -> None:
    declared = [t.name for family in resources.FAMILIES for t in family.TYPES]
    assert sorted(declared) == sorted(NAMES)
    assert len(set(NAMES)) == len(NAMES) == 27


@pytest.mark.parametrize("rtype", TYPES, ids=NAMES)
def test_id_and_enum_spec_agree_with_custodian(rtype: ResourceType) -> None:
    checks.assert_collector_agrees_with_custodian(rtype)


@pytest.mark.parametrize("rtype", TYPES, ids=NAMES)
def test_operation_result_key_and_id_agree_with_botocore(rtype: ResourceType) -> None:
    checks.assert_collector_agrees_with_botocore(rtype)


@pytest.mark.parametrize("rtype", TYPES, ids=NAMES)
def test_arn_template_agrees_with_custodian(rtype: ResourceType) -> None:
    checks.assert_arn_agrees_with_custodian(rtype)


def test_every_offline_answer_belongs_to_exactly_one_type() -> None:
    claimed: dict[tuple[str, str], str] = {}
    for rtype in TYPES:
        answers = rtype.answers
        if answers is None:
            continue
        operations = list(answers.operations)
        if answers.describe:
            operations.append((rtype.collector.service, rtype.collector.api_operation))
        for operation in operations:
            assert operation not in claimed, (operation, claimed.get(operation), rtype.name)
            claimed[operation] = rtype.name
    assert set(claimed) == set(ANSWERS)


@pytest.mark.parametrize("rtype", TYPES, ids=NAMES)
def test_every_type_has_cloudtrail_events(rtype: ResourceType) -> None:
    checks.assert_has_cloudtrail_events(rtype)


def test_every_type_has_a_literal_sample() -> None:
    # tests/unit/resources/test_facets.py runs each type's facets on its sample.
    assert set(SAMPLES) == set(NAMES)


def test_a_type_record_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        TYPES[0].arn = "x"  # type: ignore[misc]
