"""Attacker text from a trail record and from a tag, through scan, diff and remediate: every
command in report.md and findings.json parses in bash to the exact value without running it,
and no control character reaches report.md, a `cli` string or the terminal."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import cli
from scanner.demo.cloudtrail import incident_cloudtrail_records, write_trail_files
from scanner.demo.incident import apply_incident
from scanner.demo.seed import assume_role_factory, seed_organisation
from tests.conftest import ACCOUNT, AwsEnv

HOSTILE_KEY = "AKIA$(touch x)\x1b]0;pwn\x07"
HOSTILE_TAG = "web`touch y`\x1b[2J\r\x9b31m\u202e"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
BASH = shutil.which("bash")


def bash_blocks(markdown: str) -> list[str]:
    return [
        "\n".join(line.removeprefix("   ") for line in block.splitlines())
        for block in re.findall(r"```bash\n(.*?)```", markdown, flags=re.S)
    ]


def parse_in_bash(command: str, cwd: Path) -> list[str]:
    """The words bash makes of ``command``, with ``aws`` a function printing its arguments."""
    assert BASH is not None
    script = "aws() { printf '%s\\0' \"$@\"; }\n" + command + "\n"
    done = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", script],
        cwd=cwd,
        capture_output=True,
        env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"},
        check=True,
    )
    return done.stdout.decode("utf-8").split("\0")[:-1]


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_hostile_key_and_tag_stay_inert(
    aws: AwsEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    seed = seed_organisation(aws.client, regions=("us-east-1",))
    runner = CliRunner()
    made = runner.invoke(cli, ["baseline", "create", "--regions", "us-east-1"])
    assert made.exit_code == 0, made.output
    incident = apply_incident(aws.client, seed, assume_role_factory(aws.client, "999999999999"))
    aws.client("ec2").create_tags(
        Resources=[incident.exposed_sg_id], Tags=[{"Key": "Name", "Value": HOSTILE_TAG}]
    )
    records = incident_cloudtrail_records(
        incident,
        ACCOUNT,
        "us-east-1",
        principal_arn=f"arn:aws:iam::{ACCOUNT}:user/ci-deploy",
        access_key_id=HOSTILE_KEY,
        source_ip="203.0.113.66\x1b[8m",
        user_agent="aws-cli/2\x1b]8;;http://evil/\x07",
    )
    write_trail_files(tmp_path / "trail", records, ACCOUNT, "us-east-1")
    common = ["--regions", "us-east-1", "--cloudtrail", str(tmp_path / "trail")]

    scanned = runner.invoke(cli, ["scan", *common, "--output-dir", "out"])
    assert scanned.exit_code == 1, scanned.output
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert CONTROL.search(report) is None
    findings = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    commands = [
        step["cli"] for f in findings["findings"] for step in f["remediation"] if step["cli"]
    ]
    assert commands and not any(CONTROL.search(c) for c in commands)
    blocks = bash_blocks(report)
    assert blocks
    sandbox = tmp_path / "sandbox"
    sandbox.mkdir()
    seen: list[list[str]] = [parse_in_bash(block, sandbox) for block in blocks]
    seen += [parse_in_bash(command, sandbox) for command in commands]
    assert list(sandbox.iterdir()) == []  # nothing in any command ran
    assert ["--access-key-id", HOSTILE_KEY] in [w[i : i + 2] for w in seen for i in range(len(w))]
    assert any(f"AttributeValue={HOSTILE_KEY}" in word for words in seen for word in words)

    for command in (["diff", *common], ["remediate", *common]):
        shown = runner.invoke(cli, command)
        assert shown.exit_code in (0, 1), shown.output
        assert CONTROL.search(shown.output) is None, command
