"""`netwarden demo --remediate`: the whole story, end to end, on its own embedded server."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import cli

POLICIES = str(Path(__file__).resolve().parents[2] / "policies")


def test_demo_tells_the_whole_story(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(
        cli, ["demo", "-o", str(out), "--policies", POLICIES, "--remediate"]
    )
    assert result.exit_code == 0, result.output
    for name in ("netwarden.sarif", "report.md", "findings.json"):
        assert (out / name).is_file(), name
    findings = json.loads((out / "findings.json").read_text())["findings"]
    drift = [f for f in findings if f["kind"] == "drift"]
    # The incident's seven unauthorized changes, each attributed to the leaked CI key.
    assert len(drift) == 7
    assert all(f["attribution"]["principal"].endswith(":user/ci-deploy") for f in drift)
    rules = {f["rule_id"] for f in findings}
    assert {"drift/added", "drift/modified", "drift/removed"} <= rules
    assert "ci-deploy" in (out / "report.md").read_text()
    assert "drift after remediation: 0 resource(s)" in result.output
    # The README's excerpt is this report's (make readme regenerates it).
    from scanner.demo.excerpt import excerpt, normalize, readme_block

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    report = (out / "report.md").read_text().replace(str(out), "reports/demo")
    assert normalize(readme_block(readme)) == normalize(excerpt(report)), "run make readme"
