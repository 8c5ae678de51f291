"""A loopback HTTP proxy in front of the moto server that breaks chosen responses the way
networks, proxies and AWS itself break them.

netwarden talks to it exactly as it talks to AWS (``--endpoint-url``), over real sockets:
connection resets are real TCP resets, a truncated body is really short on the wire. Each
:class:`Fault` matches requests by (service, operation, region) and applies to its first
``times`` matches (all of them when ``times`` is None), so a fault that retries recover from
and one that outlasts the retries are both expressible.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


@dataclass(frozen=True)
class Call:
    """What the proxy knows of one signed AWS request."""

    service: str  # the signing name: ec2, cloudtrail, guardduty, sts, ...
    operation: str  # DescribeVpcs; for REST services "METHOD /path"
    region: str


def describe_request(headers: Any, body: bytes, method: str, path: str) -> Call | None:
    match = _SCOPE.search(headers.get("Authorization", ""))
    if not match:
        return None  # moto's own API (reset), not an AWS call
    region, service = match.groups()
    target = headers.get("X-Amz-Target", "")
    if target:
        operation = target.rsplit(".", 1)[-1]
    else:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        operation = form.get("Action", [""])[0] or f"{method} {path.split('?', 1)[0]}"
    return Call(service, operation, region)


@dataclass
class Fault:
    """Which calls to break and how.

    ``kind`` is one of:
    - ``status``: answer with ``status``, ``content_type`` and ``body`` (an HTML error page,
      a throttling error in the service's own format);
    - ``truncate``: forward, then send only the first ``keep`` bytes of the real answer with a
      matching Content-Length (a 200 whose XML/JSON ends mid-element);
    - ``short``: forward, then promise the whole Content-Length and close the connection
      after ``keep`` bytes (the body is cut on the wire);
    - ``reset``: read the request, then reset the TCP connection without answering;
    - ``delay``: wait ``seconds`` before forwarding.
    """

    kind: str
    service: str | None = None
    operation: str | None = None
    region: str | None = None
    times: int | None = None
    status: int = 500
    content_type: str = "text/html"
    body: bytes = b""
    keep: int = 60
    seconds: float = 0.0
    hits: int = 0

    def matches(self, call: Call) -> bool:
        return (
            (self.service is None or call.service == self.service)
            and (self.operation is None or call.operation == self.operation)
            and (self.region is None or call.region == self.region)
        )


HTML_500 = (
    b"<html><head><title>500 Internal Server Error</title></head><body><h1>Oops</h1></body></html>"
)
HTML_503 = (
    b"<!DOCTYPE html><html><body><h1>503 Service Temporarily Unavailable</h1><hr>nginx"
    b"</body></html>"
)


def ec2_error(code: str, message: str = "fault injected") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
        f"<Code>{code}</Code><Message>{message}</Message></Error></Errors>"
        "<RequestID>fault-0</RequestID></Response>"
    ).encode()


def json_error(code: str, message: str = "fault injected") -> bytes:
    return json.dumps({"__type": code, "message": message}).encode()


@dataclass
class ProxyLog:
    lock: threading.Lock = field(default_factory=threading.Lock)
    calls: Counter[Call] = field(default_factory=Counter)
    faulted: Counter[tuple[Call, str]] = field(default_factory=Counter)

    def total(self) -> int:
        with self.lock:
            return sum(self.calls.values())


class FaultProxy:
    """The proxy: ``url`` to give netwarden, ``faults`` to change at any time."""

    def __init__(self, upstream: str) -> None:
        parsed = urllib.parse.urlsplit(upstream)
        self.upstream = (parsed.hostname or "127.0.0.1", parsed.port or 80)
        self.faults: list[Fault] = []
        self.log = ProxyLog()
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as botocore expects

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                call = describe_request(self.headers, body, self.command, self.path)
                fault = proxy._fault_for(call) if call else None
                if call is not None:
                    with proxy.log.lock:
                        proxy.log.calls[call] += 1
                        if fault is not None:
                            proxy.log.faulted[(call, fault.kind)] += 1
                if fault is not None and fault.kind == "reset":
                    self._reset()
                    return
                if fault is not None and fault.kind == "status":
                    self._answer(fault.status, [("Content-Type", fault.content_type)], fault.body)
                    return
                if fault is not None and fault.kind == "delay":
                    time.sleep(fault.seconds)
                status, headers, answer = proxy._forward(
                    self.command, self.path, self.headers, body
                )
                if fault is not None and fault.kind == "truncate":
                    self._answer(status, headers, answer[: fault.keep])
                elif fault is not None and fault.kind == "short":
                    self._answer(status, headers, answer[: fault.keep], length=len(answer))
                    self.close_connection = True
                    self._reset()
                else:
                    self._answer(status, headers, answer)

            def _answer(
                self,
                status: int,
                headers: list[tuple[str, str]],
                body: bytes,
                length: int | None = None,
            ) -> None:
                self.send_response_only(status)
                for name, value in headers:
                    if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()

            def _reset(self) -> None:
                # SO_LINGER with a zero timeout: close() sends RST, not FIN.
                self.close_connection = True
                try:
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.connection.close()
                except OSError:
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # the client hung up (netwarden was interrupted): not the proxy's problem

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _fault_for(self, call: Call) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(call) and (fault.times is None or fault.hits < fault.times):
                    fault.hits += 1
                    return fault
        return None

    def _forward(
        self, method: str, path: str, headers: Any, body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=120)
        try:
            forwarded = {k: v for k, v in headers.items() if k.lower() != "connection"}
            connection.request(method, path, body=body, headers=forwarded)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def fault_proxy(upstream: str, *faults: Fault) -> Iterator[FaultProxy]:
    proxy = FaultProxy(upstream).start()
    proxy.faults.extend(faults)
    try:
        yield proxy
    finally:
        proxy.stop()


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.05)
