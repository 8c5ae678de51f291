"""Reports (pure renderers + one writer): SARIF, Markdown, JSON and HTML.

Importing this package registers the four reporters in ``REPORTERS``.
"""

from __future__ import annotations

from scanner.report import html, jsonreport, markdown, sarif
from scanner.report.base import REPORTERS, Reporter, SortedFindings, ordered, presort
from scanner.report.run import (
    DRIFT_RULES,
    RuleInfo,
    RunInfo,
    rule_catalog,
    rule_from_metadata,
    run_info_from_snapshot,
)
from scanner.report.writer import DEFAULT_FORMATS, parse_formats, write_reports

__all__ = [
    "DEFAULT_FORMATS",
    "DRIFT_RULES",
    "REPORTERS",
    "Reporter",
    "RuleInfo",
    "RunInfo",
    "SortedFindings",
    "html",
    "jsonreport",
    "markdown",
    "ordered",
    "parse_formats",
    "presort",
    "rule_catalog",
    "rule_from_metadata",
    "run_info_from_snapshot",
    "sarif",
    "write_reports",
]
