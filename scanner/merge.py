"""The shards' report sets merged into one, as one library call (no click, no printing;
``netwarden report merge`` parses its options and prints the result)::

    result = merge(MergeRequest(shard_dirs=("shard-1", "shard-2"), output_dir="reports"))
    raise SystemExit(exit_code(result, fail_on="high"))
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scanner.errors import ExitCode, InputError, combine_exit_codes
from scanner.formats import DEFAULT_FORMATS
from scanner.model import Finding, severity_at_least
from scanner.report.run import RunInfo


@dataclass(frozen=True)
class MergeRequest:
    shard_dirs: Sequence[str | Path]  # each a scan's -o DIR
    output_dir: str | Path = "reports"
    policies_dir: str = "policies"  # the pack every shard was scanned with
    formats: Sequence[str] = DEFAULT_FORMATS
    category: str | None = None  # SARIF automationDetails (default: the shards')


@dataclass(frozen=True)
class MergeResult:
    findings: tuple[Finding, ...]
    run: RunInfo
    written: tuple[Path, ...]


def merge(request: MergeRequest) -> MergeResult:
    """Read every shard's findings.json, merge them (each finding once) and write one report
    set. Shards that disagree (policy pack, tool version, baseline), or a pack other than
    ``policies_dir``, are an ``InputError``."""
    from scanner.policy.loader import load_policy_pack
    from scanner.report import write_reports
    from scanner.report.merge import merge_runs, read_shard
    from scanner.report.run import pack_rules

    dirs = [str(d) for d in request.shard_dirs]
    documents = [read_shard(d) for d in dirs]
    pack = load_policy_pack(request.policies_dir)
    findings, run = merge_runs(documents, dirs, pack_rules(pack))
    if run.policy_pack_digest != pack.digest:
        raise InputError(
            f"the shards were scanned with another policy pack than {request.policies_dir}/ "
            f"(digest {run.policy_pack_digest[:12]}, here {pack.digest[:12]})"
        )
    if request.category:
        run = dataclasses.replace(run, scope=request.category)
    written = write_reports(findings, run, Path(request.output_dir), tuple(request.formats))
    return MergeResult(tuple(findings), run, tuple(written))


def exit_code(result: MergeResult, fail_on: str) -> int:
    """As a scan's: 1 when a finding no waiver accepts is at or above ``fail_on``, 3 when a
    shard's scan was incomplete (unless ``fail_on`` is ``none``), 1 before 3."""
    codes = []
    if any(severity_at_least(f.severity, fail_on) and f.waiver is None for f in result.findings):
        codes.append(ExitCode.FINDINGS)
    if result.run.coverage_gaps and fail_on != "none":
        codes.append(ExitCode.INCOMPLETE)
    return combine_exit_codes(*codes)
