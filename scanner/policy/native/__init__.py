"""Native evaluation: the pack's filter trees compiled once into predicates over raw items.

The policy language stays Cloud Custodian's and Custodian's classes stay the reference. A
policy is evaluated natively when every filter in it has a native implementation
(:mod:`scanner.policy.native.compiler` says which); any other policy, and any (policy, block)
whose items are not shaped as AWS returns them (:mod:`scanner.policy.native.shapes`), runs
through Custodian exactly as before. ``tests/unit/policy/native`` prove the two engines equal
(same resources, same evidence) on the whole pack, on generated policies and on generated
items.

The hook into evaluation is :func:`compile_pack` (once per scan) and :meth:`Plans.run` (per
policy and block, returning the matched resources annotated as Custodian annotates them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.policy.native.block import Block
from scanner.policy.native.compiler import Compiled, compile_policy
from scanner.policy.native.errors import Unsupported

ENGINES = ("native", "custodian")
DEFAULT_ENGINE = "native"

__all__ = ["DEFAULT_ENGINE", "ENGINES", "Block", "Plans", "Unsupported", "compile_pack"]


@dataclass
class Plans:
    """Every policy of a pack that compiled, by name, and why each of the others did not."""

    compiled: dict[str, Compiled] = field(default_factory=dict)
    unsupported: dict[str, str] = field(default_factory=dict)

    def run(
        self,
        name: str,
        block: Block,
        items: list[Any],
        clone: Callable[[Any], dict[str, Any]],
    ) -> list[tuple[Any, dict[str, Any]]] | None:
        """(item, annotated) for every item policy ``name`` matches in ``block``: the
        annotated copy is a ``clone`` of the item with Custodian's annotations. None when
        Custodian must evaluate it (not compiled, or items that are not well-formed). May
        raise SnapshotMiss, as Custodian's filters would. ``items`` are the block's items of
        the policy's type, in the block's order."""
        compiled = self.compiled.get(name)
        if compiled is None:
            return None
        for rtype, aspect in sorted(compiled.aspects):
            if not block.well_formed(rtype, aspect):
                return None
        root = compiled.root
        candidates = items
        if compiled.prunable:
            positions = root.positions(block, compiled.rtype)
            if positions is not None:
                candidates = [items[i] for i in sorted(positions)]
        annotated = []
        for item in [item for item in candidates if root.test(item, block)]:
            work = clone(item)
            if not root.annotate(item, work, block):
                raise RuntimeError(
                    f"native engine: policy {name!r} matched an item its annotation pass "
                    "rejects (a defect: run with --engine custodian and report it)"
                )
            annotated.append((item, work))
        return annotated


def compile_pack(policies: Iterable[tuple[str, str, Mapping[str, Any]]]) -> Plans:
    """Compile (name, resource type, data) of every policy; a policy that does not compile
    is recorded with the reason, never an error (Custodian evaluates it)."""
    plans = Plans()
    for name, rtype, data in policies:
        try:
            plans.compiled[name] = compile_policy(data, rtype)
        except Unsupported as exc:
            plans.unsupported[name] = str(exc)
    return plans
