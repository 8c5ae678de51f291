"""The scan's flow-log stage: load the window once, put traffic on the open-rule findings,
run the detections, and say when AWS lost records (SKIPDATA: a coverage gap)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.flows.dataset import FlowsOptions, open_flows
from scanner.flows.evidence import annotate
from scanner.flows.layout import window_from
from scanner.model import Finding


@dataclass(frozen=True)
class FlowScan:
    source: str
    since: str | None = None
    until: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None


@dataclass(frozen=True)
class FlowOutcome:
    findings: tuple[Finding, ...]
    incomplete: tuple[str, ...] = ()
    records: int = 0
    files: int = 0


def flow_stage(
    findings: Sequence[Finding], snapshot: Mapping[str, Any], scan: FlowScan
) -> FlowOutcome:
    """The findings with traffic evidence, plus the detections' findings."""
    window = window_from(scan.since, scan.until)
    opened = open_flows(FlowsOptions(scan.source, window, scan.profile, scan.endpoint_url))
    try:
        annotated = annotate(findings, snapshot, opened.store)
        from scanner.flows.detections import detect

        detected = detect(opened.store, snapshot, window, opened.stats)
    finally:
        opened.store.close()
    incomplete: tuple[str, ...] = ()
    if opened.stats.skipdata:
        incomplete = (
            f"flow logs: {opened.stats.skipdata} SKIPDATA record(s): AWS lost flows in the "
            "window, so traffic evidence and detections may miss some",
        )
    return FlowOutcome(
        (*annotated, *detected), incomplete, opened.stats.records, opened.stats.files
    )
