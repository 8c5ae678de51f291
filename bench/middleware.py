"""The benchmark's own WSGI layers around moto: count every API request at the server, make
REST-JSON calls (GuardDuty) visible to ``scanner.demo.middleware.latency``, and memoize
moto's answers to reads so that moto's own CPU time does not pose as AWS latency.

Why memoize: moto renders 400 security groups in ~0.4 s of pure Python, under the GIL of the
benchmark process; real AWS answers in tens of milliseconds whatever the size. The world is
read-only while it is measured, so each distinct read is rendered once (in an untimed warm-up
run) and replayed after that; the latency middleware then sets the pace, as AWS would.
"""

from __future__ import annotations

import io
import re
import threading
import urllib.parse
from collections import Counter
from collections.abc import Callable
from typing import Any

from scanner.demo.server import Middleware, WsgiApp

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")
_REST_LABEL = "bench.rest_label"
_READ = ("Describe", "List", "Get")


def _body(environ: dict[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body: bytes = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _rest_operation(method: str, path: str) -> str:
    # GuardDuty's REST paths, the only REST-JSON service the benchmark calls.
    parts = [p for p in path.split("/") if p]
    if parts == ["detector"]:
        return "ListDetectors" if method == "GET" else "CreateDetector"
    if len(parts) == 2 and parts[0] == "detector" and method == "GET":
        return "GetDetector"
    if len(parts) == 3 and parts[0] == "detector" and method == "GET":
        return {"administrator": "GetAdministratorAccount", "master": "GetMasterAccount"}.get(
            parts[2], f"{method} {path}"
        )
    return f"{method} {path}"


def describe(environ: dict[str, Any]) -> tuple[str, str, str] | None:
    """(region, service, operation) of a signed AWS API request; None for anything else."""
    match = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    if not match:
        return None
    region, service = match.groups()
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target and not environ.get(_REST_LABEL):
        return region, service, target.rsplit(".", 1)[-1]
    body = _body(environ)
    action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
    if action:
        return region, service, action
    return region, service, _rest_operation(environ["REQUEST_METHOD"], environ["PATH_INFO"])


class CallLog:
    """Every API request the server saw, by (region, service, operation); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: Counter[tuple[str, str, str]] = Counter()

    def record(self, key: tuple[str, str, str]) -> None:
        with self._lock:
            self.calls[key] += 1

    def reset(self) -> Counter[tuple[str, str, str]]:
        """The calls so far, and start again from zero."""
        with self._lock:
            calls, self.calls = self.calls, Counter()
        return calls


def count(log: CallLog) -> Middleware:
    """Record each signed request (including those later throttled) in ``log``."""

    def wrap(app: WsgiApp) -> WsgiApp:
        def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            key = describe(environ)
            if key is not None:
                log.record(key)
            return app(environ, start_response)

        return middleware

    return wrap


def label_rest() -> Middleware:
    """Give REST-JSON requests (no Action, no X-Amz-Target) a target header for the
    layers that follow, so ``latency`` delays and may throttle them like any other call;
    :func:`unlabel_rest` removes it before moto sees the request."""

    def wrap(app: WsgiApp) -> WsgiApp:
        def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            key = describe(environ)
            if key is not None and not environ.get("HTTP_X_AMZ_TARGET"):
                body = _body(environ)
                if b"Action=" not in body:
                    environ["HTTP_X_AMZ_TARGET"] = f"rest.{key[2].replace(' ', '_')}"
                    environ[_REST_LABEL] = True
            return app(environ, start_response)

        return middleware

    return wrap


def unlabel_rest() -> Middleware:
    def wrap(app: WsgiApp) -> WsgiApp:
        def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            if environ.pop(_REST_LABEL, False):
                environ.pop("HTTP_X_AMZ_TARGET", None)
            return app(environ, start_response)

        return middleware

    return wrap


class Memo:
    """Answers of read requests, keyed by everything but the signature."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.answers: dict[tuple[Any, ...], tuple[str, list[tuple[str, str]], bytes]] = {}
        self.hits = 0
        self.misses = 0


def memo(store: Memo) -> Middleware:
    """Replay moto's earlier answer to an identical read (see the module doc)."""

    def wrap(app: WsgiApp) -> WsgiApp:
        def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            described = describe(environ)
            if described is None or not described[2].startswith(_READ):
                return app(environ, start_response)
            key = (
                described,
                environ["REQUEST_METHOD"],
                environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""),
                environ.get("HTTP_X_AMZ_TARGET", ""),
                _body(environ),
            )
            with store._lock:
                cached = store.answers.get(key)
                store.hits += cached is not None
            if cached is not None:
                start_response(cached[0], cached[1])
                return [cached[2]]
            captured: dict[str, Any] = {}

            def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                captured.update(status=status, headers=list(headers))
                return start_response(status, headers, exc_info)

            result = app(environ, keep)
            try:
                chunks = list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            answer = b"".join(chunks)
            if str(captured.get("status", "")).startswith("200"):
                with store._lock:
                    store.answers[key] = (captured["status"], captured["headers"], answer)
                    store.misses += 1
            return [answer]

        return middleware

    return wrap
