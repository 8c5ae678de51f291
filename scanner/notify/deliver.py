"""Sending notices (the edge): SNS Publish through the scan's credentials, HTTPS POSTs to
Slack and webhooks. A failed delivery is a result, never an exception: the scan's reports
are written whatever happens here."""

from __future__ import annotations

import functools
import hashlib
import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from scanner import __version__
from scanner.notify.messages import Notice, document, slack_payload, sns_message
from scanner.notify.targets import Target
from scanner.textsafe import one_line

TIMEOUT_S = 10.0
RETRY_DELAYS_S = (1.0, 3.0)  # after a connection error, 429 or 5xx
MAX_ERROR_BODY = 2048
SnsClientFor = Callable[[Target], Any]


@dataclass(frozen=True)
class Delivery:
    """How one target fared: ``ok``, and what happened (safe to print)."""

    target: Target
    ok: bool
    detail: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would send the findings somewhere nobody configured (and urllib turns a
    # redirected POST into a GET): it is a failed delivery instead.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class _Retryable(Exception):
    pass


def post_json(url: str, body: str, timeout: float = TIMEOUT_S) -> str:
    """POST ``body`` as JSON; return a short status, raise on anything but 2xx."""
    request = urllib.request.Request(
        url,
        data=body.encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"netwarden/{__version__}",
        },
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        detail = exc.read(MAX_ERROR_BODY).decode("utf-8", "replace") if exc.fp else ""
        message = f"HTTP {exc.code}: {one_line(detail, 200)}".rstrip(": ")
        if exc.code == 429 or exc.code >= 500:
            raise _Retryable(message) from None
        raise RuntimeError(message) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        raise _Retryable(f"cannot connect: {one_line(str(reason), 200)}") from None


def _with_retries(send: Callable[[], str], delays: Sequence[float]) -> str:
    for delay in (*delays, None):
        try:
            return send()
        except _Retryable:
            if delay is None:
                raise
            time.sleep(delay)
    raise AssertionError("unreachable")


def _publish(client: Any, target: Target, notice: Notice) -> str:
    subject, message = sns_message(notice)
    params: dict[str, Any] = {"TopicArn": target.address, "Subject": subject, "Message": message}
    if target.fifo:  # FIFO topics need a group, and a deduplication id without content dedup
        params["MessageGroupId"] = "netwarden"
        params["MessageDeduplicationId"] = hashlib.sha256(message.encode()).hexdigest()
    response = client.publish(**params)
    return f"message {one_line(response.get('MessageId', '?'), 80)}"


def deliver(
    notice: Notice,
    targets: Sequence[Target],
    sns_client_for: SnsClientFor,
    *,
    post: Callable[[str, str], str] = post_json,
    delays: Sequence[float] = RETRY_DELAYS_S,
) -> list[Delivery]:
    """Send ``notice`` to every target, in order; one Delivery per target."""
    from botocore.exceptions import BotoCoreError, ClientError

    results = []
    for target in targets:
        try:
            if target.kind == "sns":
                detail = _publish(sns_client_for(target), target, notice)
            else:
                body = (
                    json.dumps(slack_payload(notice), ensure_ascii=True)
                    if target.kind == "slack"
                    else document(notice)
                )
                detail = _with_retries(functools.partial(post, target.address, body), delays)
            results.append(Delivery(target, True, detail))
        except ClientError as exc:
            error = exc.response.get("Error", {})
            reason = f"{error.get('Code', 'ClientError')}: {error.get('Message', '')}"
            results.append(Delivery(target, False, one_line(reason, 300)))
        except (BotoCoreError, _Retryable, RuntimeError) as exc:
            results.append(Delivery(target, False, one_line(str(exc), 300)))
    return results
