"""Applying waivers to findings (pure): which findings are accepted, which waivers expired,
which match nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from scanner.model import Finding
from scanner.waivers.model import Waiver


@dataclass(frozen=True)
class ExpiredWaiver:
    """A waiver past its expiry date and the findings it would still have accepted."""

    waiver: Waiver
    findings: tuple[str, ...]  # fingerprints now counted again


@dataclass(frozen=True)
class WaiverOutcome:
    """The findings (waived ones carry ``waiver``), and the waivers the report must list."""

    findings: list[Finding]
    applied: tuple[tuple[Waiver, int], ...]  # each waiver in force that matched, and how often
    expired: tuple[ExpiredWaiver, ...]
    stale: tuple[Waiver, ...]  # in force, but matched no finding

    @property
    def waived(self) -> list[Finding]:
        return [f for f in self.findings if f.waiver is not None]


def apply_waivers(
    findings: Iterable[Finding], waivers: Sequence[Waiver], today: dt.date
) -> WaiverOutcome:
    """Mark each finding accepted by the first waiver in force that matches it (file order).

    A waiver past its ``expires`` day never applies; it is reported as expired with the
    findings it would have accepted. A waiver in force that matches no finding is stale.
    """
    active = [w for w in waivers if not w.expired(today)]
    lapsed = [w for w in waivers if w.expired(today)]
    used: dict[int, int] = {}
    would_have: dict[int, list[str]] = {id(w): [] for w in lapsed}
    out: list[Finding] = []
    for finding in findings:
        waiver = next((w for w in active if w.matches(finding)), None)
        if waiver is None:
            for old in lapsed:
                if old.matches(finding):
                    would_have[id(old)].append(finding.fingerprint)
            out.append(finding)
            continue
        used[id(waiver)] = used.get(id(waiver), 0) + 1
        out.append(replace(finding, waiver=waiver.reference()))
    expired = tuple(ExpiredWaiver(w, tuple(sorted(would_have[id(w)]))) for w in lapsed)
    stale = tuple(w for w in active if id(w) not in used)
    applied = tuple((w, used[id(w)]) for w in active if id(w) in used)
    return WaiverOutcome(out, applied, expired, stale)
