"""What every catalog type must satisfy, as functions: the catalog's tests run them on every
type, and the README's walk-through type (test_adding_a_type.py) on its example."""

from __future__ import annotations

import functools
from typing import Any

import botocore.session
from c7n.provider import clouds
from c7n.resources import load_resources

from scanner.resources.base import FACETS, ResourceType


def custodian_resource(name: str) -> Any:
    """Custodian's resource class for ``aws.NAME`` (None where Custodian has no such type)."""
    load_resources((name,))
    return clouds["aws"].resources.get(name.split(".", 1)[1])


def assert_every_facet_declared_or_absent(rtype: ResourceType) -> None:
    for facet in FACETS:
        value = getattr(rtype, facet)
        reason = rtype.absent.get(facet, "")
        if value is None:
            assert reason.strip(), f"{rtype.name}.{facet} is None without a reason"
        else:
            assert not reason, f"{rtype.name}.{facet} is declared but 'absent' explains it away"
    assert set(rtype.absent) <= set(FACETS), set(rtype.absent) - set(FACETS)


def assert_collector_agrees_with_custodian(rtype: ResourceType) -> None:
    custodian = custodian_resource(rtype.name)
    collector = rtype.collector
    if custodian is None:
        # Named in Custodian's style, but Custodian has no such resource: say so.
        assert "not a Custodian resource" in collector.description
        return
    spec = custodian.resource_type
    if collector.key_fields:
        # Custodian's id is not unique in a region (a metric filter's name, unique within its
        # log group only): the enricher builds a unique key from the API's keys, Custodian's
        # among them.
        assert collector.enrich is not None and spec.id in collector.key_fields
    else:
        assert collector.id_key == spec.id
    assert (collector.operation, collector.result_key) == tuple(spec.enum_spec[:2])
    assert collector.service == spec.service


def assert_arn_agrees_with_custodian(rtype: ResourceType) -> None:
    custodian = custodian_resource(rtype.name)
    arn = rtype.arn_of("ID", "111111111111", "us-east-1", "aws")
    assert arn.startswith("arn:aws:") or rtype.arn == "{id}"
    if custodian is None or not custodian.resource_type.arn_type or custodian.resource_type.arn:
        return  # Custodian builds no ARN from a type path here (or reads the item's own)
    spec = custodian.resource_type
    service = getattr(spec, "arn_service", None) or spec.service
    separator = getattr(spec, "arn_separator", "/")
    assert arn == f"arn:aws:{service}:us-east-1:111111111111:{spec.arn_type}{separator}ID"


def assert_has_cloudtrail_events(rtype: ResourceType) -> None:
    # Without events a drift of the type can never be attributed.
    assert rtype.events
    assert all(name[:1].isupper() and " " not in name for name in rtype.events)


def assert_inverse_round_trips(rtype: ResourceType, item: dict[str, Any], account: str) -> None:
    """The sample projects to a baseline entry, and the inverse rebuilds a live item that
    projects to the same entry (what review judges is what the baseline says)."""
    projection = rtype.projection

    def project(raw: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in projection.project(raw).items() if v is not None}

    assert projection.is_live(item)
    fields = project(item)
    assert fields, "the sample projects to something"
    rid = str(item[rtype.id_key])
    assert rtype.unproject is not None
    rebuilt = {**rtype.unproject(rid, fields, account), rtype.id_key: rid}
    assert project(rebuilt) == fields
    assert projection.is_live(rebuilt), "the inverse builds a live resource"


def assert_collector_agrees_with_botocore(rtype: ResourceType) -> None:
    """The operation exists, its output lists items under ``result_key``, each item has the
    id key (or is an id the enricher describes), and a page size has its parameter: checked
    against botocore's service model, which also covers the types Custodian does not have."""
    collector = rtype.collector
    model = _service_model(collector.service)
    operation = model.operation_model(collector.api_operation)
    output = operation.output_shape
    assert output is not None and collector.result_key in output.members, collector.result_key
    listed = output.members[collector.result_key]
    if collector.single:  # one object per region (an account setting), with its id
        assert listed.type_name == "structure", listed.type_name
        assert collector.id_key in listed.members, collector.id_key
        return
    assert listed.type_name == "list", listed.type_name
    if listed.member.type_name == "structure" and collector.key_fields:
        # the unique key is the enricher's, built from the API's own keys
        assert collector.enrich is not None
        assert set(collector.key_fields) <= set(listed.member.members), collector.key_fields
    elif listed.member.type_name == "structure":
        assert collector.id_key in listed.member.members, collector.id_key
    else:  # a list of ids (GuardDuty's ListDetectors): the enricher builds the items
        assert collector.enrich is not None
    if collector.page_size is not None:
        inputs = operation.input_shape
        assert inputs is not None and collector.page_size_param in inputs.members


@functools.cache
def _service_model(service: str) -> Any:
    return botocore.session.get_session().get_service_model(service)
