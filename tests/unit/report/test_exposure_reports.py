"""The "Internet exposure" section in report.md and report.html, and the exposures in
findings.json, from a literal engine report (attacker text in tags stays escaped)."""

from __future__ import annotations

import dataclasses
import json

from scanner.exposure import ExposureReport, analyse_region
from scanner.report import html, jsonreport, markdown
from scanner.report.merge import merge_runs
from tests.unit.exposure import worlds as w
from tests.unit.report.fixtures import RUN, sg_finding


def _report() -> ExposureReport:
    world = w.world(perms=[w.perm(ports=(22, 22)), w.perm(ports=(443, 443))])
    world["aws.eni"][0]["TagSet"] = [{"Key": "Name", "Value": "web|1 `x` <b>"}]
    cut = w.eni("eni-2", publics=[("10.0.1.6", None)])
    world["aws.eni"].append(cut)
    return analyse_region(world, w.ACCOUNT, w.REGION)


def test_report_md_has_the_table_and_a_mermaid_diagram_per_path() -> None:
    run = dataclasses.replace(RUN, exposure=_report())
    text = markdown.render([sg_finding()], run)
    section = text.split("## Internet exposure", 1)[1].split("\n## ", 1)[0]
    assert "2 exposure(s) on 1 interface(s)" in section
    assert section.count("```mermaid\nflowchart LR") == 2
    assert "### Open rules whose path is cut" in section and "eni-2" in section
    # The tag cannot break the table or open a tag.
    assert "<b>" not in section
    assert "Nothing is reachable" in markdown.render([], dataclasses.replace(RUN, exposure=(
        analyse_region(w.world(enis=[]), w.ACCOUNT, w.REGION)
    )))  # fmt: skip
    assert "## Internet exposure" not in markdown.render([], RUN)


def test_report_html_has_the_section_and_an_svg_per_path() -> None:
    page = html.render([sg_finding()], dataclasses.replace(RUN, exposure=_report()))
    section = page.split('<section id="exposure">', 1)[1].split("</section>", 1)[0]
    assert section.count('<svg xmlns="http://www.w3.org/2000/svg" role="img" class="exposure"') == 2
    assert "<b>" not in section and "url(" not in section
    assert "Open rules whose path is cut" in section


def test_findings_json_carries_every_exposure_and_merge_keeps_them() -> None:
    report = _report()
    run = dataclasses.replace(RUN, exposure=report)
    document = json.loads(jsonreport.render([sg_finding()], run))
    assert document["exposure"] == json.loads(json.dumps(report.to_dict()))
    assert "exposure" not in json.loads(jsonreport.render([], RUN))
    _, merged = merge_runs([document, document], ["a", "b"], [])
    assert merged.exposure == report
