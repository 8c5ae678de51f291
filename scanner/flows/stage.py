"""The scan's flow-log stage: load the window once, put traffic on the open-rule findings
and the exposures, run the detections, and say when AWS lost records (SKIPDATA: a coverage
gap)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scanner.flows.dataset import FlowsOptions, open_flows
from scanner.flows.evidence import annotate
from scanner.flows.layout import window_from
from scanner.flows.rules import Settings
from scanner.flows.tally import iso
from scanner.model import Finding

if TYPE_CHECKING:
    from scanner.exposure.model import ExposureReport


@dataclass(frozen=True)
class FlowScan:
    source: str
    since: str | None = None
    until: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    # The detections' thresholds (None: the defaults of scanner.flows.rules).
    settings: Settings | None = None


@dataclass(frozen=True)
class FlowOutcome:
    findings: tuple[Finding, ...]
    incomplete: tuple[str, ...] = ()
    records: int = 0
    files: int = 0
    # What the reports say about the flow logs (RunInfo.flow_logs): the source, the window,
    # what was read, and each exposure's traffic.
    report: Mapping[str, Any] | None = None


def flow_stage(
    findings: Sequence[Finding],
    snapshot: Mapping[str, Any],
    scan: FlowScan,
    exposure: ExposureReport | None = None,
) -> FlowOutcome:
    """The findings with traffic evidence, plus the detections' findings, and each
    exposure's traffic."""
    from scanner.flows.exposed import exposure_traffic

    window = window_from(scan.since, scan.until)
    opened = open_flows(FlowsOptions(scan.source, window, scan.profile, scan.endpoint_url))
    try:
        annotated = annotate(findings, snapshot, opened.store)
        exposures = exposure_traffic(opened.store, exposure.exposures if exposure else ())
        from scanner.flows.detections import detect

        detected = detect(opened.store, snapshot, window, opened.stats, scan.settings, scan.source)
    finally:
        opened.store.close()
    incomplete: tuple[str, ...] = ()
    if opened.stats.skipdata:
        incomplete = (
            f"flow logs: {opened.stats.skipdata} SKIPDATA record(s): AWS lost flows in the "
            "window, so traffic evidence and detections may miss some",
        )
    stats = opened.stats
    report = {
        "source": scan.source,
        "since": iso(window.since_epoch()),
        "until": iso(window.until_epoch()),
        "files": stats.files,
        "pruned_files": opened.selection.pruned,
        "records": stats.records,
        "nodata_records": stats.nodata,
        "skipped_records": stats.skipdata,
        "exposures": exposures,
    }
    return FlowOutcome((*annotated, *detected), incomplete, stats.records, stats.files, report)
