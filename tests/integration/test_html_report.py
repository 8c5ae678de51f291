"""report.html in a real browser: Debian's headless chromium renders it (DOM and a
screenshot) and makes no network request; attacker text stays text.

chromium is a system package (.ci/run installs it); under CI=true a missing browser fails.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from scanner.report import html
from tests.conftest import AwsEnv
from tests.unit.report.fixtures import FINDINGS, HOSTILE, RUN, hostile_finding

BROWSERS = ("chromium", "chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=NetworkTimeServiceQuerying",
    # The browser's own background requests (updates, sign-in) go to a closed loopback port
    # and resolve no name: nothing leaves the machine, and the net log still records them.
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def _browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    message = "chromium is not installed (apt-get install chromium; .ci/run does it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run(
        [_browser(), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _exposed() -> list[object]:
    """The fixtures, one of them with an exposure path (the optional field, when present)."""
    findings = [*FINDINGS, hostile_finding()]
    first = findings[0]
    if any(f.name == "exposure" for f in dataclasses.fields(first)):
        path = [
            {"type": "aws.internet-gateway", "id": "igw-1", "detail": "0.0.0.0/0"},
            {"type": "aws.security-group", "id": "sg-0a1b2c3d", "detail": "tcp/22"},
            {"type": "aws.network-interface", "id": "eni-1", "detail": "203.0.113.9"},
        ]
        findings[0] = dataclasses.replace(first, exposure={"reachable": True, "path": path})
    return findings


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "report.html"
    out.write_text(html.render(_exposed(), RUN), encoding="utf-8")  # type: ignore[arg-type]
    return out


def test_the_browser_renders_every_section(page: Path, tmp_path: Path) -> None:
    proc = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    for section in ("summary", "scope", "coverage", "drift", "findings", "compliance", "inventory"):
        assert f'id="{section}"' in dom, section
    assert dom.count("<svg") >= 1 and 'aria-label="findings by severity"' in dom
    assert 'class="heat"' in dom
    assert "no findings" in dom and ">pass<" not in dom
    # Attacker text is text: no element was made from it.
    assert "<img src=x" not in dom and "&lt;img src=x onerror=alert(1)&gt;" in dom


def test_screenshot_shows_a_page(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    proc = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1600", page.as_uri())
    assert proc.returncode == 0 and shot.is_file(), proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000  # a page, not a blank image


def _page_requests(tmp_path: Path, url: str) -> list[str]:
    """URLs the page asked for, from chromium's net log: requests with an initiator (the
    page's origin; a file:// page's is "null"), not the browser's own ("not an origin")."""
    log = tmp_path / f"netlog-{len(list(tmp_path.glob('netlog-*')))}.json"
    proc = _chromium(tmp_path, f"--log-net-log={log}", "--dump-dom", url)
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads(log.read_text(encoding="utf-8", errors="replace"))
    start = data["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return sorted(
        e["params"]["url"]
        for e in data["events"]
        if e["type"] == start
        and e.get("params", {}).get("url")
        and e["params"].get("initiator") not in (None, "not an origin")
    )


def test_no_network_request_is_made(page: Path, tmp_path: Path) -> None:
    assert _page_requests(tmp_path, page.as_uri()) == []


def test_the_request_check_sees_a_page_request(tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<!doctype html><img src="http://127.0.0.1:9/pixel.png">')
    assert _page_requests(tmp_path, leaky.as_uri()) == ["http://127.0.0.1:9/pixel.png"]


def test_the_page_references_nothing_outside_itself(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", text, re.IGNORECASE)
    assert not re.search(r"url\(|@import", text)
    assert not re.search(r'(src|href)\s*=\s*"(?!#)', text)
    assert "default-src 'none'" in text
    json.dumps(text)  # plain text, one file
    assert HOSTILE not in text


# -- exposure diagrams from a real scan ------------------------------------------------------


def test_the_exposure_diagrams_of_a_real_scan_render(aws: AwsEnv, tmp_path: Path) -> None:
    """A scan of a moto network with an exposed instance: report.html draws each exposed
    path from findings.json's exposures (internet, gateway, route table, NACL both ways,
    security group, interface, the instance), as inline SVG the browser renders."""
    from click.testing import CliRunner

    from scanner.cli import cli
    from tests.integration.test_exposure_world import REGION, build

    world = build(aws)
    out = tmp_path / "reports"
    policies = str(Path(__file__).resolve().parents[2] / "policies")
    result = CliRunner().invoke(
        cli,
        ["scan", "--regions", REGION, "--policies", policies, "-o", str(out),
         "--format", "json,html", "--fail-on", "none"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    exposures = json.loads((out / "findings.json").read_text())["exposure"]["exposures"]
    assert {e["eni"] for e in exposures} == {world.web, world.denied}
    proc = _chromium(tmp_path, "--dump-dom", (out / "report.html").as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    section = dom[dom.index('<section id="exposure">') :]
    section = section[: section.index("</section>")]
    diagrams = re.findall(r'<svg[^>]*aria-label="exposure paths".*?</svg>', section, re.DOTALL)
    assert len(diagrams) == len(exposures)  # one per exposed path, each from its record
    for exposure, svg in zip(exposures, diagrams, strict=True):
        labels = re.findall(r'class="kind">([^<]*)</text><text[^>]*class="ident">([^<]*)<', svg)
        drawn = [(kind, ident) for kind, ident in labels]
        expected = [("internet", "0.0.0.0/0, ::/0")]
        expected += [(s["type"].removeprefix("aws."), s["id"]) for s in exposure["path"]]
        expected.append((exposure["attachment"]["type"], exposure["attachment"]["id"]))
        assert drawn == expected
    web = next(s for s, e in zip(diagrams, exposures, strict=True) if e["eni"] == world.web)
    for ident in (world.igw, world.public_table, world.sg, world.web):
        assert f">{ident}<" in web
    assert ">internet-gateway<" in web and ">route-table<" in web and ">network-acl<" in web
    # Each box says what that component contributes, as its tooltip.
    assert "<title>" in web
    # The open-rule findings draw their paths too, and nothing is fetched from anywhere.
    findings = dom[dom.index('<section id="findings">') :]
    assert 'aria-label="exposure paths"' in findings
    assert _page_requests(tmp_path, (out / "report.html").as_uri()) == []
    shot = tmp_path / "exposure.png"
    proc = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,4000",
                     (out / "report.html").as_uri() + "#exposure")  # fmt: skip
    assert proc.returncode == 0 and shot.read_bytes().startswith(b"\x89PNG")
