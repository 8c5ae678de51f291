"""Selecting, judging and rendering exposures, on literal records."""

from __future__ import annotations

import json
import re

from scanner.exposure import analyse_region
from scanner.exposure.approved import approved_ports, is_approved, unapproved
from scanner.exposure.model import Attachment, Exposure, ExposureReport, Step
from scanner.exposure.render import mermaid, select, sources_text, to_json, to_text
from scanner.report.exposure import section, to_markdown
from tests.unit.exposure import worlds as w


def record(protocol: str = "tcp", ports: tuple[int, int] = (22, 22), **kw: object) -> Exposure:
    data: dict[str, object] = {
        "account": w.ACCOUNT,
        "region": w.REGION,
        "eni": "eni-1",
        "attachment": Attachment("instance", "i-1", "web-1"),
        "address": "203.0.113.10",
        "private_address": "10.0.1.5",
        "vpc": "vpc-1",
        "subnet": "subnet-1",
        "family": "ipv4",
        "protocol": protocol,
        "from_port": ports[0],
        "to_port": ports[1],
        "sources": ("198.51.100.0/24",),
        "path": (Step("aws.security-group", "sg-1", "ingress tcp 22 from 198.51.100.0/24"),),
    }
    data.update(kw)
    return Exposure(**data)  # type: ignore[arg-type]


def test_approval_is_per_port_and_never_for_portless_protocols() -> None:
    assert is_approved(record(ports=(443, 443)), (80, 443))
    assert not is_approved(record(ports=(22, 22)), (80, 443))
    assert not is_approved(record(ports=(80, 443)), (80, 443))
    assert is_approved(record("udp", (80, 80)), (80, 443))
    assert is_approved(record("icmp", (-1, -1)), (80, 443))
    assert not is_approved(record("all", (-1, -1)), (80, 443))
    assert not is_approved(record("50", (-1, -1)), range(0, 65536))
    assert unapproved([record(ports=(443, 443)), record()], (443,)) == [record()]


def test_approved_ports_come_from_the_pack() -> None:
    exposure_rule = {"filters": [{"type": "netwarden.internet-exposed", "approved": [443, 8443]}]}
    sg_rule = {"filters": [{"or": [{"type": "ingress", "OnlyPorts": [80, 443, 8080]}]}]}
    assert approved_ports([("NW-SG-001", sg_rule), ("NW-EXP-002", exposure_rule)]) == (443, 8443)
    assert approved_ports([("NW-SG-001", sg_rule)]) == (80, 443, 8080)
    assert approved_ports([("NW-OTHER", sg_rule)]) == (80, 443)
    assert approved_ports([]) == (80, 443)


def test_select_by_port_and_resource() -> None:
    report = ExposureReport(
        (
            record(),
            record(ports=(1000, 2000), eni="eni-2"),
            record("all", (-1, -1), eni="eni-3"),
            record("icmp", (-1, -1), eni="eni-4"),
        )
    )
    assert [e.eni for e in select(report, port=22).exposures] == ["eni-1", "eni-3"]
    assert [e.eni for e in select(report, port=1500).exposures] == ["eni-2", "eni-3"]
    assert [e.eni for e in select(report, resource="i-1").exposures] == [
        "eni-1",
        "eni-2",
        "eni-3",
        "eni-4",
    ]
    assert [e.eni for e in select(report, resource="eni-2").exposures] == ["eni-2"]
    assert select(report, resource="sg-9").exposures == ()


def test_the_whole_internet_is_named_as_such() -> None:
    exposure = analyse_region(w.world(), w.ACCOUNT, w.REGION).exposures[0]
    assert sources_text(exposure) == "the internet (any public address)"
    assert sources_text(record(sources=("1.0.0.0/8", "2.0.0.0/8", "3.0.0.0/8", "4.0.0.0/8"))) == (
        "1.0.0.0/8, 2.0.0.0/8, 3.0.0.0/8 (+1 more)"
    )


def test_text_json_and_markdown() -> None:
    report = analyse_region(w.world(), w.ACCOUNT, w.REGION)
    text = to_text(report, (80, 443))
    assert (
        "eni-1" in text and "tcp/22" in text and "igw-1 > rtb-main > acl-1 > sg-1 > eni-1" in text
    )
    assert json.loads(to_json(report)) == report.to_dict()
    markdown = to_markdown(report, (80, 443))
    assert markdown.startswith("# Internet exposure\n")
    assert "```mermaid\nflowchart LR\n" in markdown
    assert to_text(ExposureReport()) == "Nothing is reachable from the internet.\n"
    assert "Nothing is reachable" in section(ExposureReport())


def test_hostile_names_cannot_break_out_of_a_mermaid_label_or_the_fence() -> None:
    hostile = record(attachment=Attachment("instance", "i-1", 'x"]\n```\n<script>|[{;#'))
    diagram = mermaid(hostile)
    owner = diagram.splitlines()[-2]
    assert owner.startswith('  n2(["') and owner.endswith('"])')
    inner = owner[len('  n2(["') : -len('"])')]
    bare = re.sub(r"#\w+;", "", inner)  # Mermaid's entity codes are inert text
    for bad in ('"', "`", "<", ">", "\n", "[", "]", "|", "{", ";"):
        assert bad not in bare
    assert "```" not in diagram
