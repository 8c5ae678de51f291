"""scan --notify end to end: a local HTTP server as the webhook and Slack endpoint, moto's SNS
(delivering to an SQS queue) for sns: targets."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.cli import cli
from tests.conftest import AwsEnv
from tests.integration.test_scan_exit_codes import SSH_OPEN, snapshot
from tests.integration.test_waivers_cli import POLICIES, REGION, _open_ssh


class Hook:
    """A local HTTP endpoint that records every POST and answers with ``status``."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = 200
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                hook.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(hook.status)
                self.end_headers()
                self.wfile.write(b"ok" if hook.status < 300 else b"no such hook")

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/T0/SECRET"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    endpoint = Hook()
    yield endpoint
    endpoint.close()


def _scan(tmp_path: Path, snap: str, out: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        [
            "scan", "--snapshot", snap, "--policies", POLICIES,
            "--baseline-dir", str(tmp_path / "none"), "-o", str(tmp_path / out),
            "--format", "json,markdown", *args,
        ],
    )  # fmt: skip
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def test_a_webhook_gets_the_new_findings_once_and_nothing_when_nothing_is_new(
    tmp_path: Path, hook: Hook
) -> None:
    snap = snapshot(tmp_path, [SSH_OPEN], [])
    notify = ["--notify", f"webhook:{hook.url}", "--notify-on", "critical", "--fail-on", "none"]
    code, output = _scan(tmp_path, snap, "night1", *notify)
    assert code == 0, output
    (body,) = hook.bodies
    assert body["schema"] == "netwarden/notification/v1"
    # SSH open on an internet-facing interface: the rule and the reachable interface.
    assert body["new_findings"] == 2 and body["by_severity"] == {"critical": 2}
    assert [(f["rule_id"], f["resource_id"]) for f in body["findings"]] == [
        ("NW-EXP-001", "eni-1"),
        ("NW-SG-002", "sg-1"),
    ]
    assert "SECRET" not in output  # the webhook URL is a secret: only its host is shown
    run = json.loads((tmp_path / "night1" / "findings.json").read_text())["run"]
    assert run["notifications"] == [
        {
            "target": "webhook:http://127.0.0.1/…",
            "sent": True,
            "ok": True,
            "detail": "HTTP 200",
        }
    ]
    # The same findings tomorrow: nothing is new, nothing is sent.
    code, output = _scan(tmp_path, snap, "night2", *notify, "--previous", str(tmp_path / "night1"))
    assert code == 0, output
    assert len(hook.bodies) == 1
    run = json.loads((tmp_path / "night2" / "findings.json").read_text())["run"]
    assert run["notifications"][0]["sent"] is False
    assert "nothing new at or above critical" in run["notifications"][0]["detail"]


def test_slack_gets_a_block_kit_message(tmp_path: Path, hook: Hook) -> None:
    snap = snapshot(tmp_path, [SSH_OPEN], [])
    code, output = _scan(
        tmp_path, snap, "out", "--notify", f"slack:{hook.url}", "--fail-on", "none"
    )
    assert code == 0, output
    (body,) = hook.bodies
    assert body["blocks"][0]["type"] == "header"
    texts = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]
    assert any("NW-SG-002" in t and "sg-1" in t for t in texts)
    assert any("NW-DET-001" in t for t in texts)  # high, at the default --notify-on


def test_a_failed_delivery_is_a_warning_and_a_coverage_note_not_a_lost_scan(
    tmp_path: Path, hook: Hook
) -> None:
    hook.status = 404
    snap = snapshot(tmp_path, [SSH_OPEN], [])
    code, output = _scan(
        tmp_path, snap, "out", "--notify", f"webhook:{hook.url}", "--fail-on", "none"
    )
    assert code == 3, output  # incomplete: someone was not told
    assert "netwarden: warning: could not notify webhook:http://127.0.0.1/…: HTTP 404" in output
    md = (tmp_path / "out" / "report.md").read_text()
    assert "**Note (notification-failed):** could not notify" in md.split("## Coverage", 1)[1]
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert doc["run"]["notifications"][0]["ok"] is False
    assert len(doc["findings"]) > 0  # the scan itself is all there
    # Findings at or above --fail-on still win over the incomplete notification.
    code, _ = _scan(tmp_path, snap, "out2", "--notify", f"webhook:{hook.url}")
    assert code == 1


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("email:a@example.com", "is not sns:<topic-arn>"),
        ("webhook:http://example.com/x", "plain http:// is only allowed to this machine"),
        ("sns:arn:aws:sns:us-east-1:1234:t", "not an SNS topic ARN"),
    ],
)
def test_a_bad_target_is_exit_2_before_anything(tmp_path: Path, target: str, words: str) -> None:
    snap = snapshot(tmp_path, [SSH_OPEN], [])
    code, output = _scan(tmp_path, snap, "out", "--notify", target)
    assert code == 2 and words in output
    assert not (tmp_path / "out").exists()


def test_sns_publishes_one_message_under_the_scans_credentials(aws: AwsEnv, tmp_path: Path) -> None:
    _open_ssh(aws, "bastion")
    sns, sqs = aws.client("sns", REGION), aws.client("sqs", REGION)
    topic = sns.create_topic(Name="netwarden-alerts")["TopicArn"]
    queue = sqs.create_queue(QueueName="alerts")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    result = CliRunner().invoke(
        cli,
        [
            "scan", "--regions", REGION, "--policies", POLICIES,
            "--baseline-dir", str(tmp_path / "none"), "-o", str(tmp_path / "out"),
            "--format", "json", "--notify", f"sns:{topic}", "--notify-on", "critical",
            "--fail-on", "none",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert len(messages) == 1
    envelope = json.loads(messages[0]["Body"])
    assert envelope["Subject"] == "netwarden: 2 new findings at or above critical (2 critical)"
    body = json.loads(envelope["Message"])
    assert [f["rule_id"] for f in body["findings"]] == ["NW-EXP-001", "NW-SG-002"]
    assert f"sns:{topic}: message" in result.output
