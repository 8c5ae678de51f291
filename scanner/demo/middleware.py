"""WSGI middleware around the embedded moto server, to make it behave more like AWS.

``refuse`` answers chosen calls with an AWS error (a region or type the caller may not read);
``latency`` adds a per-request delay and can answer a share of calls with throttling.
Tests use the first to exercise coverage gaps, the benchmark the second.
"""

from __future__ import annotations

import io
import random
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from scanner.demo.server import Middleware, WsgiApp

_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


@dataclass(frozen=True)
class Request:
    """What a middleware needs to know about an AWS API request."""

    region: str
    service: str
    action: str


def _parse(environ: dict[str, Any]) -> tuple[Request, bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    match = _CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    region, service = match.groups() if match else ("", "")
    action = ""
    target = environ.get("HTTP_X_AMZ_TARGET", "")  # JSON protocols: "Service.Operation"
    if target:
        action = target.rsplit(".", 1)[-1]
    elif body:
        action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
    return Request(region, service, action), body


def _error(
    start_response: Callable[..., Any], status: str, code: str, message: str
) -> Iterable[bytes]:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error>"
        "</Errors><RequestID>netwarden-fault</RequestID></Response>"
    ).encode()
    start_response(status, [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
    return [body]


def refuse(
    predicate: Callable[[Request], bool],
    code: str = "UnauthorizedOperation",
    message: str = "You are not authorized to perform this operation.",
) -> Middleware:
    """Answer every request matching ``predicate`` with HTTP 403 and the given error code."""

    def wrap(app: WsgiApp) -> WsgiApp:
        def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            request, _ = _parse(environ)
            if request.action and predicate(request):
                return _error(start_response, "403 Forbidden", code, message)
            return app(environ, start_response)

        return middleware

    return wrap


class LatencyStats:
    """How many requests the middleware saw and how many it throttled."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.throttled = 0


def latency(
    seconds: float, throttle_rate: float = 0.0, seed: int = 7, stats: LatencyStats | None = None
) -> Middleware:
    """Delay every API request by ``seconds``; throttle a ``throttle_rate`` share of them."""
    rng = random.Random(seed)
    lock = threading.Lock()

    def wrap(app: WsgiApp) -> WsgiApp:
        def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            _parse(environ)
            # Every AWS call is signed (SigV4); moto's own API (reset, ...) is not. REST
            # services such as GuardDuty carry no Action, so the signature is what counts.
            if not environ.get("HTTP_AUTHORIZATION"):
                return app(environ, start_response)
            time.sleep(seconds)
            with lock:
                throttle = rng.random() < throttle_rate
            if stats is not None:
                with stats.lock:
                    stats.requests += 1
                    stats.throttled += int(throttle)
            if throttle:
                return _error(
                    start_response,
                    "503 Service Unavailable",
                    "RequestLimitExceeded",
                    "Request limit exceeded.",
                )
            return app(environ, start_response)

        return middleware

    return wrap


def honour_dry_run() -> Middleware:
    """Answer EC2 calls carrying ``DryRun=true`` as AWS does (HTTP 412 DryRunOperation),
    without executing them: moto executes some of them for real."""

    def wrap(app: WsgiApp) -> WsgiApp:
        def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            request, body = _parse(environ)
            if request.service == "ec2" and b"DryRun=true" in body:
                return _error(
                    start_response,
                    "412 Precondition Failed",
                    "DryRunOperation",
                    "Request would have succeeded, but DryRun flag is set.",
                )
            return app(environ, start_response)

        return middleware

    return wrap


def chain(*middlewares: Middleware) -> Middleware:
    """Apply several middlewares; the first one listed sees each request first."""

    def wrap(app: WsgiApp) -> WsgiApp:
        for middleware in reversed(middlewares):
            app = middleware(app)
        return app

    return wrap
