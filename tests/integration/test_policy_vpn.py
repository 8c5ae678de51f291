"""NW-VPN-001 (FSBP EC2.20) against the moto server. moto reports no tunnel telemetry, so a
middleware adds the ``vgwTelemetry`` AWS would report to its DescribeVpnConnections answers:
one connection with both tunnels UP, one with a tunnel DOWN. Collection, evaluation and the
reports are netwarden's own, through the command line."""

from __future__ import annotations

import io
import re
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from scanner.demo.server import MotoServer, WsgiApp
from tests.conftest import point_aws_at
from tests.integration.builders import scan_without_baseline

REGION = "us-east-1"


def _telemetry(statuses: tuple[str, ...]) -> str:
    items = "".join(
        f"<item><outsideIpAddress>203.0.113.{n}</outsideIpAddress><status>{status}</status>"
        f"<lastStatusChange>2026-12-01T03:00:00.000Z</lastStatusChange>"
        f"<statusMessage>{'IPSEC IS DOWN' if status == 'DOWN' else ''}</statusMessage>"
        "<acceptedRouteCount>0</acceptedRouteCount></item>"
        for n, status in enumerate(statuses, 1)
    )
    return f"<vgwTelemetry>{items}</vgwTelemetry>"


def add_telemetry(tunnels: dict[str, tuple[str, ...]]) -> Callable[[WsgiApp], WsgiApp]:
    """DescribeVpnConnections answers carry each listed connection's tunnel statuses."""

    def wrap(app: WsgiApp) -> WsgiApp:
        def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            if form.get("Action") != ["DescribeVpnConnections"]:
                return app(environ, start_response)
            answer: dict[str, Any] = {}

            def capture(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
                answer.update(status=status, headers=headers)
                return lambda _data: None

            text = b"".join(app(environ, capture)).decode("utf-8")
            for vpn, statuses in tunnels.items():
                text = re.sub(
                    rf"(<vpnConnectionId>{re.escape(vpn)}</vpnConnectionId>)",
                    lambda m, s=statuses: m.group(1) + _telemetry(s),  # type: ignore[misc]
                    text,
                )
            data = text.encode("utf-8")
            headers = [(k, v) for k, v in answer["headers"] if k.lower() != "content-length"]
            start_response(answer["status"], [*headers, ("Content-Length", str(len(data)))])
            return [data]

        return middleware

    return wrap


@pytest.fixture
def telemetry_server(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[MotoServer, dict[str, Any]]]:
    tunnels: dict[str, tuple[str, ...]] = {}
    server = MotoServer(add_telemetry(tunnels))
    server.start()
    server.reset()  # moto's backends are shared by every server in this process
    point_aws_at(monkeypatch, server.url, REGION)
    yield server, tunnels
    server.reset()
    server.stop()


def test_a_tunnel_down_fires_and_two_tunnels_up_do_not(
    telemetry_server: tuple[MotoServer, dict[str, tuple[str, ...]]], tmp_path: Path
) -> None:
    server, tunnels = telemetry_server
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=server.url)

    def connection(ip: str) -> str:
        customer = ec2.create_customer_gateway(Type="ipsec.1", PublicIp=ip, BgpAsn=65000)
        vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
        vpn: str = ec2.create_vpn_connection(
            Type="ipsec.1",
            CustomerGatewayId=customer["CustomerGateway"]["CustomerGatewayId"],
            VpnGatewayId=vgw,
        )["VpnConnection"]["VpnConnectionId"]
        return vpn

    healthy, degraded, gone = (
        connection("198.51.100.1"),
        connection("198.51.100.2"),
        connection("198.51.100.3"),
    )
    tunnels.update({healthy: ("UP", "UP"), degraded: ("UP", "DOWN"), gone: ("DOWN", "DOWN")})
    ec2.delete_vpn_connection(VpnConnectionId=gone)  # a deleted connection is not reported
    doc = scan_without_baseline(tmp_path, REGION)
    fired = [f for f in doc["findings"] if f["rule_id"] == "NW-VPN-001"]
    assert [f["resource_id"] for f in fired] == [degraded]
    assert "FSBP-EC2.20" in fired[0]["compliance"]
    # The evidence names the tunnel that is down by its outside address.
    assert fired[0]["evidence"]["VgwTelemetry[?Status=='DOWN'].OutsideIpAddress"] == ["203.0.113.2"]
