"""Waivers wired into the pipeline and every report, on literal snapshots (no AWS)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from scanner.errors import InputError
from scanner.pipeline import ScanRequest, exit_code, scan
from tests.unit.policy.snapshots import ACCOUNT, exposed, perm, sg, snapshot

REPO = Path(__file__).resolve().parents[3]
POLICIES = str(REPO / "policies")
TODAY = dt.date(2026, 12, 2)


def _world() -> dict[str, Any]:
    return snapshot(
        {
            "aws.security-group": [
                sg("sg-legacy1", [perm("tcp", 22, v4=("0.0.0.0/0",))]),
                sg("sg-other", [perm("tcp", 22, v4=("0.0.0.0/0",))]),
            ],
            # Both on internet-facing interfaces: their SSH rules are reachable, critical.
            **exposed("sg-legacy1", "sg-other"),
        }
    )


def _waivers(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(body)
    return path


WAIVE_LEGACY = """\
waivers:
  - rule: NW-SG-002
    resource: sg-legacy*
    reason: Legacy appliance, ticket SEC-42
    owner: netops@example.com
    expires: 2027-03-31
"""


def _scan(
    tmp_path: Path,
    waivers: Path | None,
    formats: tuple[str, ...] = ("json", "markdown"),
    **extra: Any,
) -> Any:
    return scan(
        ScanRequest(
            snapshot=_world(),
            baseline_dir=str(tmp_path / "no-baseline"),
            policies_dir=POLICIES,
            processes=1,
            baseline_commit=False,
            waivers=waivers,
            today=TODAY,
            output_dir=str(tmp_path / "out"),
            formats=formats,
            **extra,
        )
    )


def test_a_waived_finding_stays_listed_but_does_not_count(tmp_path: Path) -> None:
    every = ("json", "sarif", "markdown", "html")
    result = _scan(tmp_path, _waivers(tmp_path, WAIVE_LEGACY), every)
    waived = [f for f in result.findings if f.waiver is not None]
    assert [(f.rule_id, f.resource_id) for f in waived] == [("NW-SG-002", "sg-legacy1")]
    assert waived[0].waiver["owner"] == "netops@example.com"
    assert waived[0].waiver["line"] == 2
    # sg-other still has the critical SSH finding: it fails; with it gone, only waived remain.
    assert exit_code(result, "critical") == 1
    assert "1 accepted risk(s)" in result.summary()

    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    listed = [f for f in doc["findings"] if f.get("waiver")]
    assert [f["resource_id"] for f in listed] == ["sg-legacy1"]
    assert listed[0]["waiver"]["reason"] == "Legacy appliance, ticket SEC-42"
    assert doc["summary"]["waived"] == 1
    # sg-other's SSH rule, and both interfaces reachable on 22 (NW-EXP-001).
    assert doc["summary"]["by_severity"]["critical"] == 3
    assert doc["run"]["waivers"]["applied"][0]["findings"] == 1

    sarif = json.loads((tmp_path / "out" / "netwarden.sarif").read_text())
    results = sarif["runs"][0]["results"]
    suppressed = [r for r in results if r.get("suppressions")]
    assert len(suppressed) == 1
    suppression = suppressed[0]["suppressions"][0]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert "Legacy appliance, ticket SEC-42" in suppression["justification"]
    assert "netops@example.com" in suppression["justification"]
    assert suppressed[0]["properties"]["resourceId"] == "sg-legacy1"

    md = (tmp_path / "out" / "report.md").read_text()
    accepted = md.split("## Accepted risks", 1)[1].split("\n## ", 1)[0]
    assert (
        "sg-legacy1" in accepted and "2027-03-31" in accepted and "netops@example.com" in accepted
    )
    # Its other (unwaived) rules still list sg-legacy1; the SSH rule lists only sg-other.
    ssh = md.split("#### NW-SG-002", 1)[1].split("\n#### ", 1)[0].split("\n## ", 1)[0]
    assert "sg-legacy1" not in ssh and "sg-other" in ssh
    html = (tmp_path / "out" / "report.html").read_text()
    assert 'id="accepted"' in html and "SEC-42" in html


def test_waiving_the_only_critical_finding_passes_fail_on_critical(tmp_path: Path) -> None:
    body = WAIVE_LEGACY.replace("sg-legacy*", "sg-*") + (
        # The interfaces reachable through those rules are accepted with them.
        "  - rule: NW-EXP-001\n    resource: eni-*\n    reason: Legacy appliance, ticket SEC-42\n"
        "    owner: netops@example.com\n    expires: 2027-03-31\n"
    )
    result = _scan(tmp_path, _waivers(tmp_path, body))
    assert exit_code(result, "critical") == 0
    assert exit_code(result, "high") == 1  # the high findings are not waived


def test_an_expired_waiver_applies_no_more_and_is_reported(tmp_path: Path) -> None:
    body = WAIVE_LEGACY.replace("2027-03-31", "2026-12-01")
    result = _scan(tmp_path, _waivers(tmp_path, body), ("json", "markdown", "sarif"))
    assert all(f.waiver is None for f in result.findings)
    assert result.waivers is not None and len(result.waivers.expired) == 1
    assert exit_code(result, "critical") == 1
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert doc["run"]["waivers"]["expired"][0]["findings"] == 1
    md = (tmp_path / "out" / "report.md").read_text()
    assert "### Expired waivers" in md
    sarif = json.loads((tmp_path / "out" / "netwarden.sarif").read_text())
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("expired on 2026-12-01" in n["message"]["text"] for n in notes)


def test_the_last_day_of_a_waiver_still_applies(tmp_path: Path) -> None:
    body = WAIVE_LEGACY.replace("2027-03-31", TODAY.isoformat())
    result = _scan(tmp_path, _waivers(tmp_path, body))
    assert any(f.waiver is not None for f in result.findings)


def test_a_waiver_that_matches_nothing_is_stale(tmp_path: Path) -> None:
    body = WAIVE_LEGACY.replace("sg-legacy*", "sg-gone")
    result = _scan(tmp_path, _waivers(tmp_path, body))
    assert [w.resource for w in result.waivers.stale] == ["sg-gone"]
    md = (tmp_path / "out" / "report.md").read_text()
    assert "### Stale waivers" in md and "sg-gone" in md


def test_a_waiver_for_an_account_not_scanned_is_not_stale(tmp_path: Path) -> None:
    body = WAIVE_LEGACY.replace("    reason:", '    account: "999999999999"\n    reason:')
    result = _scan(tmp_path, _waivers(tmp_path, body))
    assert result.waivers.stale == ()


def test_policy_waivers_are_not_stale_in_a_drift_only_run(tmp_path: Path) -> None:
    from scanner.baseline import store

    base = tmp_path / "baselines"
    store.write_all(base, sorted(store.project_snapshot(snapshot()).items()))
    body = WAIVE_LEGACY + (
        "  - rule: drift/added\n    resource: sg-other\n    reason: reviewed\n"
        "    owner: a@example.com\n    expires: 2027-01-01\n"
    )
    result = scan(
        ScanRequest(
            snapshot=_world(),
            baseline_dir=str(base),
            require_baseline=True,
            policies_dir=None,
            processes=1,
            baseline_commit=False,
            waivers=_waivers(tmp_path, body),
            today=TODAY,
        )
    )
    assert result.waivers.stale == ()
    waived = [(f.rule_id, f.resource_id) for f in result.findings if f.waiver]
    assert waived == [("drift/added", "sg-other")]
    assert exit_code(result, "info") == 1  # sg-legacy1 was added too, and is not waived


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        (WAIVE_LEGACY.replace("    owner: netops@example.com\n", ""), 2, "no 'owner'"),
        (WAIVE_LEGACY.replace("NW-SG-002", "NW-SG-999"), 2, "unknown rule"),
        (WAIVE_LEGACY.replace("2027-03-31", "soon"), 6, "must be a date"),
    ],
)
def test_a_bad_waiver_is_an_input_error_at_its_line(
    tmp_path: Path, body: str, line: int, words: str
) -> None:
    path = _waivers(tmp_path, body)
    with pytest.raises(InputError) as caught:
        _scan(tmp_path, path)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert words in str(caught.value)
    assert not (tmp_path / "out").exists()  # nothing written


def test_no_waivers_file_changes_nothing(tmp_path: Path) -> None:
    result = _scan(tmp_path, None)
    assert result.waivers is None
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert "waivers" not in doc["run"]
    assert "## Accepted risks" not in (tmp_path / "out" / "report.md").read_text()
    assert ACCOUNT in doc["run"]["accounts"]
