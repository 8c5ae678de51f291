"""An in-process moto server on a free loopback port, optionally wrapped in WSGI middleware.

The middleware hook is how tests refuse one API (a coverage gap) and how the benchmark adds
per-request latency and throttling: the product always talks to it over real HTTP.
"""

from __future__ import annotations

import contextlib
import logging
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Any]
Middleware = Callable[[WsgiApp], WsgiApp]


def _require_moto() -> Any:
    try:
        from moto.moto_server import threaded_moto_server
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise RuntimeError(
            "the embedded AWS API needs moto: pip install 'netwarden[demo]'"
        ) from exc
    return threaded_moto_server


class MotoServer:
    """moto's ThreadedMotoServer bound to 127.0.0.1 on a free port, with optional middleware."""

    def __init__(self, middleware: Middleware | None = None, block_public_access: bool = True):
        module = _require_moto()
        wrap = middleware
        # moto does not implement VPC Block Public Access: answered as AWS does (off in a
        # fresh account), nearest to moto, unless the caller wants moto's own failure.
        bpa: Middleware | None = None
        if block_public_access:
            from scanner.demo.bpa import BpaStore
            from scanner.demo.bpa import block_public_access as bpa_middleware

            self.bpa = BpaStore()
            bpa = bpa_middleware(self.bpa)

        class _Server(module.ThreadedMotoServer):  # type: ignore[name-defined]
            def _server_entry(self) -> None:
                app: WsgiApp = module.DomainDispatcherApplication(module.create_backend_app)
                if bpa is not None:
                    app = bpa(app)
                if wrap is not None:
                    app = wrap(app)
                self._server = module.make_server(
                    self._ip_address,
                    self._port,
                    app,
                    True,
                    request_handler=module.MotoRequestHandler,
                )
                self._server_ready_event.set()
                self._server.serve_forever()

        self._server = _Server(ip_address="127.0.0.1", port=0, verbose=False)
        self.url = ""

    def start(self) -> str:
        # One access-log line per request would drown the demo's and the tests' output.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self.url

    def reset(self) -> None:
        """Forget every resource in every account and region (moto's reset API)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30):
            pass

    def seed(self, value: int) -> None:
        """Seed the random numbers moto draws its resource ids from (moto's seed API): the
        same calls in the same order then create the same ids."""
        request = urllib.request.Request(f"{self.url}/moto-api/seed?a={value}", method="POST")
        with urllib.request.urlopen(request, timeout=30):
            pass

    def stop(self) -> None:
        self._server.stop()


@contextlib.contextmanager
def running_moto(middleware: Middleware | None = None) -> Iterator[MotoServer]:
    server = MotoServer(middleware)
    server.start()
    # moto keeps its resources in module-level backends shared by every server in the
    # process: a world another server left behind (an earlier demo, a test) would leak into
    # this one, so an embedded server always starts empty.
    server.reset()
    try:
        yield server
    finally:
        server.stop()
