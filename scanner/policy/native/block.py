"""One (account, region) of the snapshot as the native engine reads it.

What every policy shares is computed here once per block, not once per policy: each security
group's permissions expanded as Custodian expands them and indexed by source, each network
ACL's ingress entries in rule-number order with their networks parsed, the indexes the
context filters need (route tables by subnet, groups in use). Parsed CIDRs are shared by the
whole process (:func:`~scanner.policy.native.networks.parse_network`).

Data a filter asks for that is not one of the policy's own items (route tables for
``internet-gateway-route``, ENIs for ``unreferenced``...) is read through the same
:class:`~scanner.policy.answers.RegionView` that answers Custodian's API calls, when it is
first needed, and is missing exactly as the served call would find it missing
(:class:`~scanner.policy.session.SnapshotMiss`, a collection gap or not).

Every fact is computed on *well-formed* items only: items shaped as the Describe APIs return
them (the checks are in :mod:`scanner.policy.native.shapes`). A block whose items a policy
reads are not well-formed is evaluated by Custodian, which then behaves exactly as it always
has on such input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from scanner.policy import answers
from scanner.policy.native import shapes
from scanner.policy.session import SnapshotMiss
from scanner.snapshot import region_data, resources_of

T = TypeVar("T")


class Block:
    """The snapshot seen from one (account, region), with facts cached for its policies."""

    def __init__(self, snapshot: Mapping[str, Any], account: str, region: str) -> None:
        self.view = answers.RegionView(snapshot, account, region)
        self.account = account
        self.region = region
        self._facts: dict[Any, Any] = {}

    def items(self, rtype: str) -> Any:
        """The block's items of ``rtype`` ([] when absent; whatever the file holds)."""
        resources = resources_of(region_data(self.view.snapshot, self.account, self.region))
        return resources.get(rtype, []) if isinstance(resources, dict) else None

    def well_formed(self, rtype: str, aspect: str) -> bool:
        """Whether every item of ``rtype`` has the shape ``aspect`` needs (checked once)."""
        key = ("shape", rtype, aspect)
        if key not in self._facts:
            self._facts[key] = all(
                self.well_formed(rtype, prerequisite)
                for prerequisite in shapes.PREREQUISITES.get(aspect, ())
            ) and shapes.check_one(aspect, self.items(rtype))
        result: bool = self._facts[key]
        return result

    def fact(self, kind: str, item: Any, compute: Callable[[Any], T]) -> T:
        """``compute(item)``, once per item and kind for the whole block."""
        key = (kind, id(item))
        try:
            found: T = self._facts[key]
        except KeyError:
            found = self._facts[key] = compute(item)
        return found

    def context(self, kind: str, compute: Callable[[Block], T]) -> T:
        """``compute(self)``, once per block: data a filter reads besides its own items."""
        key = ("context", kind)
        try:
            found: T = self._facts[key]
        except KeyError:
            found = self._facts[key] = compute(self)
        return found

    def served(self, service: str, operation: str, params: Mapping[str, Any]) -> Any:
        """What the snapshot session answers for ``service:operation(params)``: the body,
        not copied (the native engine never writes to it), or the same SnapshotMiss."""
        answer = answers.ANSWERS.get((service, operation))
        if answer is None:
            raise SnapshotMiss(
                f"offline evaluation cannot answer {service}:{operation} from the snapshot "
                "(the policy needs data netwarden does not collect)"
            )
        try:
            return answer(self.view, params)
        except answers.Unanswerable as exc:
            raise SnapshotMiss(
                f"offline evaluation cannot answer {service}:{operation}: {exc}", gap=exc.gap
            ) from None
