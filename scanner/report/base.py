"""The reporter registry and what every reporter shares: severity scales and the one sort.

A reporter is a pure ``render(findings, run) -> str`` plus the file name it is written to.
Reporter modules register themselves with ``@reporter(name, filename)`` when
``scanner.report`` imports them explicitly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from scanner.model import SEVERITY_RANK, Finding
from scanner.registry import Registry
from scanner.report.jsonindent import reused_encoder
from scanner.report.run import RunInfo

Render = Callable[[Sequence[Finding], RunInfo], str]
R = TypeVar("R", bound=Render)


@dataclass(frozen=True)
class Reporter:
    """A report format: its name (``--format``), its file name and its pure renderer."""

    name: str
    filename: str
    render: Render


REPORTERS: Registry[Reporter] = Registry("report format")


def reporter(name: str, filename: str) -> Callable[[R], R]:
    """Register ``render`` as the reporter ``name``, written to ``filename``."""

    def decorate(render: R) -> R:
        REPORTERS.add(name, Reporter(name, filename, render))
        return render

    return decorate


class SortedFindings(Sequence[Finding]):
    """Findings already in report order, with their fingerprints (see :func:`presort`).

    A plain ``Sequence[Finding]`` to every ``render``; :func:`ordered` recognises it and skips
    the sort and the hashing, so rendering three formats sorts and hashes once.
    """

    def __init__(self, pairs: list[tuple[Finding, str]]) -> None:
        self.pairs = pairs

    @overload
    def __getitem__(self, index: int) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...
    def __getitem__(self, index: int | slice) -> Finding | list[Finding]:
        if isinstance(index, slice):
            return [finding for finding, _ in self.pairs[index]]
        return self.pairs[index][0]

    def __len__(self) -> int:
        return len(self.pairs)


def presort(findings: Iterable[Finding]) -> SortedFindings:
    """Sort and fingerprint ``findings`` once, for several renderers."""
    if isinstance(findings, SortedFindings):
        return findings
    pairs = [(finding, finding.fingerprint) for finding in findings]
    pairs.sort(
        key=lambda p: (
            -SEVERITY_RANK[p[0].severity],
            p[0].rule_id,
            p[0].account,
            p[0].region,
            p[0].resource_type,
            p[0].resource_id,
            p[1],
        )
    )
    return SortedFindings(pairs)


def ordered(findings: Iterable[Finding]) -> list[tuple[Finding, str]]:
    """Findings with their fingerprints, most severe first, in one deterministic order.

    The fingerprint (a hash of the evidence) is computed once per finding here and handed on,
    so no reporter pays for it twice; the order is ``Finding.sort_key``'s.
    """
    return presort(findings).pairs


def compact_encoder(default: Callable[[Any], Any]) -> Callable[[Any], str]:
    """The compact, non-ASCII-escaping encoder of report items (one line per item)."""
    return reused_encoder(default, sort_keys=False, ensure_ascii=False)


_ITEMS = "\x00netwarden:items:4f1d\x00"  # NULs: cannot come from a path, id or version


def items_placeholder() -> str:
    """The value to put where :func:`dumps_with_items` should insert the items."""
    return _ITEMS


def dumps_with_items(document: Any, items: Iterable[Any]) -> str:
    """JSON text of ``document`` (indent 2) with its ``items_placeholder()`` value replaced
    by ``items``, one compact item per line.

    Large lists go through the C encoder (``indent`` would fall back to the pure-Python one,
    several times slower), and a diff still shows one finding per line.
    """
    text = json.dumps(document, indent=2, ensure_ascii=False)
    head, found, tail = text.partition(json.dumps(_ITEMS))
    if not found:
        raise ValueError("document has no items placeholder")
    line = head[head.rfind("\n") + 1 :]
    outer = len(line) - len(line.lstrip(" "))
    pad = " " * (outer + 2)
    encode = compact_encoder(default=str)
    # One join at the end: the text of a large report is copied once, not once per step.
    parts = [head, "["]
    separator = "\n" + pad
    for item in items:
        parts += (separator, encode(item))
        separator = ",\n" + pad
    parts.append(f"\n{' ' * outer}]" if len(parts) > 2 else "]")
    parts += (tail, "\n")
    return "".join(parts)
