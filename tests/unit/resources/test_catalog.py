"""The catalog is complete and agrees with Cloud Custodian and with the engines that read it."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from c7n.provider import clouds
from c7n.resources import load_resources

from scanner import resources
from scanner.policy.answers import ANSWERS
from scanner.resources.base import FACETS, ResourceType
from tests.unit.resources.samples import SAMPLES

TYPES = list(resources.types())
NAMES = [t.name for t in TYPES]


def _custodian(name: str) -> Any:
    load_resources((name,))
    return clouds["aws"].resources.get(name.split(".", 1)[1])


@pytest.mark.parametrize("rtype", TYPES, ids=NAMES)
def test_every_facet_is_declared_or_absent_with_a_reason(rtype: ResourceType) -> None:
    for facet in FACETS:
        value = getattr(rtype, facet)
        reason = rtype.absent.get(facet, "")
        if value is None:
            assert reason.strip(), f"{rtype.name}.{facet} is None without a reason"
        else:
            assert not reason, f"{rtype.name}.{facet} is declared but 'absent' explains it away"
    assert set(rtype.absent) <= set(FACETS), set(rtype.absent) - set(FACETS)


def test_each_family_module_declares_its_types_and_the_catalog_holds_them_all() -> None:
    declared = [t.name for family in resources.FAMILIES for t in family.TYPES]
    assert sorted(declared) == sorted(NAMES)
    assert len(set(NAMES)) == len(NAMES) == 23


@pytest.mark.parametrize("rtype", TYPES, ids=NAMES)
def test_id_and_enum_spec_agree_with_custodian(rtype: ResourceType) -> None:
    custodian = _custodian(rtype.name)
    collector = rtype.collector
    if custodian is None:
        # Named in Custodian's style, but Custodian has no such resource: say so.
        assert "not a Custodian resource" in collector.description
        return
    spec = custodian.resource_type
    assert collector.id_key == spec.id
    assert (collector.operation, collector.result_key) == tuple(spec.enum_spec[:2])
    assert collector.service == spec.service


@pytest.mark.parametrize("rtype", TYPES, ids=NAMES)
def test_arn_template_agrees_with_custodian(rtype: ResourceType) -> None:
    custodian = _custodian(rtype.name)
    arn = rtype.arn_of("ID", "111111111111", "us-east-1", "aws")
    assert arn.startswith("arn:aws:") or rtype.arn == "{id}"
    if custodian is None or not custodian.resource_type.arn_type or custodian.resource_type.arn:
        return  # Custodian builds no ARN from a type path here (or reads the item's own)
    spec = custodian.resource_type
    service = getattr(spec, "arn_service", None) or spec.service
    separator = getattr(spec, "arn_separator", "/")
    assert arn == f"arn:aws:{service}:us-east-1:111111111111:{spec.arn_type}{separator}ID"


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
    # Without events a drift of the type can never be attributed.
    assert rtype.events
    assert all(name[:1].isupper() and " " not in name for name in rtype.events)


def test_every_type_has_a_literal_sample() -> None:
    # tests/unit/resources/test_facets.py runs each type's facets on its sample.
    assert set(SAMPLES) == set(NAMES)


def test_a_type_record_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        TYPES[0].arn = "x"  # type: ignore[misc]
