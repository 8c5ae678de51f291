"""``--notify`` targets: ``sns:<topic ARN>``, ``slack:<webhook URL>``, ``webhook:<URL>``."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from scanner.errors import InputError

TargetKind = Literal["sns", "slack", "webhook"]
KINDS: tuple[TargetKind, ...] = ("sns", "slack", "webhook")
TOPIC_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):sns:(?P<region>[a-z]{2}(-[a-z]+)+-\d+):"
    r"(?P<account>\d{12}):(?P<name>[A-Za-z0-9_-]{1,256}(\.fifo)?)$"
)
LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}
# The user:pass@ of a URL's authority, with or without the // (https:user:pw@host).
_USERINFO = re.compile(r"(?<=[:/])[^/?#:]*(:[^/?#@]*)?@")


@dataclass(frozen=True)
class Target:
    """One place to send the scan's news to."""

    kind: TargetKind
    address: str  # the topic ARN or the URL, exactly as given
    region: str | None = None  # SNS only
    account: str | None = None  # SNS only: the topic's account

    @property
    def fifo(self) -> bool:
        return self.kind == "sns" and self.address.endswith(".fifo")

    @property
    def label(self) -> str:
        """How the target is named in warnings and reports: a webhook URL is a credential
        (Slack's carries the secret in its path), so only its scheme and host are shown."""
        if self.kind == "sns":
            return f"sns:{self.address}"
        parts = urlsplit(self.address)
        return f"{self.kind}:{parts.scheme}://{parts.hostname or '?'}/…"


def parse_target(value: str) -> Target:
    """A ``--notify`` value as a Target; anything else is an InputError (exit 2)."""
    kind, sep, address = value.partition(":")
    if not sep or kind not in KINDS:
        raise InputError(
            f"--notify: {_shown(value)} is not sns:<topic-arn>, slack:<webhook-url> or "
            "webhook:<url>"
        )
    if kind == "sns":
        match = TOPIC_ARN.match(address)
        if not match:
            raise InputError(f"--notify: not an SNS topic ARN: {_shown(address)}")
        return Target("sns", address, match["region"], match["account"])
    _check_url(kind, address)
    return Target("slack" if kind == "slack" else "webhook", address)


def _shown(text: str) -> str:
    # Never echo a whole webhook URL (it is a secret), the user and password of its
    # authority (user:pass@host), or control characters.
    head = text.split("/", 3)
    shown = "/".join(head[:3]) + ("/…" if len(head) > 3 else "")
    before_query = re.split("[?#]", shown, maxsplit=1)[0]
    if before_query != shown:  # a query or fragment carries tokens too
        shown = before_query + "…"
    return repr(_USERINFO.sub("", shown)[:80])


def _check_url(kind: str, url: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        raise InputError(f"--notify {kind}: not a URL: {_shown(url)}") from None
    if parts.scheme not in ("https", "http") or not host:
        raise InputError(f"--notify {kind}: needs an https:// URL, not {_shown(url)}")
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise InputError(f"--notify {kind}: the URL contains spaces or control characters")
    if "@" in parts.netloc:
        # urllib would take user:pass for part of the host name, fail to connect, and print
        # the password in the delivery's error: refuse it here, without echoing it.
        raise InputError(
            f"--notify {kind}: the URL carries a user name or password (user:pass@host), "
            "which is not sent; put the token in the URL's path or query"
        )
    # Findings name the weak spots of the network: they travel encrypted, except to this
    # machine (a local relay, or a test).
    if parts.scheme == "http" and not is_loopback(host):
        raise InputError(
            f"--notify {kind}: plain http:// is only allowed to this machine; use https://"
        )


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
