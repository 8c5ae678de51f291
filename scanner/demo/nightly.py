"""The demo's nightly signal: the night before the incident, one accepted risk, and a local
webhook that is told what is new.

The previous night's scan runs on the seeded, baselined network (before the incident), into
``previous-night/`` of the demo's output; the demo's own scan then compares with it, waives
one finding of it in ``waivers.yaml`` (owner, reason, expiry) and notifies a webhook served on
a loopback port by this module, which keeps every message it receives.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from scanner.model import Finding

PREVIOUS_NIGHT = "previous-night"
WAIVERS_FILE = "waivers.yaml"
WAIVER_OWNER = "netops@example.com"
WAIVER_REASON = "Default group kept for the legacy appliance until its migration, ticket SEC-42"
# The default security group of a baselined VPC fires every night: the accepted risk.
WAIVED_RULE = "NW-SG-005"
MAX_BODY = 1024 * 1024


@dataclass
class Webhook:
    """A loopback HTTP endpoint recording every JSON POST."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def local_webhook() -> Iterator[Webhook]:
    hook = Webhook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
            try:
                hook.received.append(json.loads(self.rfile.read(length)))
            except ValueError:
                hook.received.append({"unparsed": True})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/netwarden"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()


def waiver_for(findings: Sequence[Finding]) -> Finding | None:
    """The finding the demo accepts: a default security group's, else the first policy one."""
    policy = sorted((f for f in findings if f.kind == "policy"), key=Finding.sort_key)
    chosen = [f for f in policy if f.rule_id == WAIVED_RULE] or policy
    return chosen[0] if chosen else None


def write_waivers(path: Path, finding: Finding | None, today: dt.date) -> Path:
    """``waivers.yaml`` accepting ``finding`` for 90 days (an empty list without one)."""
    if finding is None:
        path.write_text("waivers: []\n", encoding="utf-8")
        return path
    expires = (today + dt.timedelta(days=90)).isoformat()
    path.write_text(
        "# The demo's accepted risk: who owns it, why, and until when.\n"
        "waivers:\n"
        f"  - rule: {finding.rule_id}\n"
        f"    resource: {finding.resource_id}\n"
        f'    account: "{finding.account}"\n'
        f"    region: {finding.region}\n"
        f"    reason: {WAIVER_REASON}\n"
        f"    owner: {WAIVER_OWNER}\n"
        f"    expires: {expires}\n",
        encoding="utf-8",
    )
    return path
