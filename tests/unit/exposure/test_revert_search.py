"""``drift.revert`` finds each delta's item through an id list kept in step with the items;
against the search it replaced (the first item with the id, after the earlier deltas of the
region), on generated regions with repeated ids and deltas of every kind."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from scanner.drift.engine import Delta
from scanner.exposure import drift
from scanner.model import Location
from scanner.resources import catalog
from tests.unit.fuzzing import examples

SG = "aws.security-group"
IDS = st.sampled_from(["sg-1", "sg-2", "sg-3", "sg-4"])


def reference(resources: dict[str, list[dict[str, Any]]], deltas: Iterable[Delta]) -> Any:
    out = {rtype: list(items) for rtype, items in resources.items()}
    for delta in deltas:
        rtype = delta.resource_type
        key = catalog.get(rtype).id_key
        items = out.setdefault(rtype, [])
        where = next((i for i, it in enumerate(items) if it.get(key) == delta.resource_id), None)
        if delta.change == "added":
            if where is not None:
                del items[where]
        elif delta.change == "removed":
            restored = drift._owned(
                rtype, delta.baseline_id or delta.resource_id, delta.before, delta.account
            )
            if restored is not None:
                items.append(restored)
        elif where is not None:
            reverted = drift._reverted_item(delta, items[where])
            if reverted is not None:
                items[where] = reverted
    return out


def _group(rid: str, name: str) -> dict[str, Any]:
    return {"GroupId": rid, "GroupName": name, "Description": name, "VpcId": "vpc-1"}


FIELDS = st.fixed_dictionaries(
    {"GroupName": st.sampled_from(["a", "b"]), "VpcId": st.just("vpc-1")}
)
DELTAS = st.builds(
    lambda rid, change, before, after: Delta(
        account="111111111111",
        region="eu-west-1",
        resource_type=SG,
        resource_id=rid,
        change=change,
        severity="medium",
        changes=(),
        location=Location("b.yaml", 1),
        before=None if change == "added" else before,
        after=None if change == "removed" else after,
    ),
    IDS,
    st.sampled_from(["added", "removed", "modified"]),
    FIELDS,
    FIELDS,
)


@examples(200, 3000)
@given(
    groups=st.lists(st.tuples(IDS, st.sampled_from(["x", "y"])), max_size=6),
    deltas=st.lists(DELTAS, max_size=6),
    with_type=st.booleans(),
)
def test_revert_finds_the_items_the_search_found(
    groups: list[tuple[str, str]], deltas: list[Delta], with_type: bool
) -> None:
    resources = {SG: [_group(rid, name) for rid, name in groups]} if with_type else {}
    assert drift.revert(resources, deltas) == reference(resources, deltas)
