"""VPC Block Public Access for the embedded moto server, which does not implement it.

moto answers ``DescribeVpcBlockPublicAccessOptions`` with an HTTP 500 page, so without this
every scan of the demo (and of the tests' worlds) would have a coverage gap in every region.
This middleware answers the BPA calls the way AWS does, per account and region: a fresh
account is ``off`` (``default-state``) with exclusions allowed, and
``ModifyVpcBlockPublicAccessOptions`` / ``Create``/``DeleteVpcBlockPublicAccessExclusion``
change it at once (AWS takes a moment; the states say ``*-complete`` directly). moto's own
reset (``POST /moto-api/reset``) forgets it too. ``MotoServer(block_public_access=False)``
leaves moto as it is, to exercise the coverage gap.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

# (scanner.demo.server imports this module: its WsgiApp type is repeated, not imported.)
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Any]
_SCOPE = re.compile(r"Credential=([^/]*)/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")

NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/"
OPERATIONS = frozenset(
    {
        "DescribeVpcBlockPublicAccessOptions",
        "DescribeVpcBlockPublicAccessExclusions",
        "ModifyVpcBlockPublicAccessOptions",
        "CreateVpcBlockPublicAccessExclusion",
        "DeleteVpcBlockPublicAccessExclusion",
    }
)
MODES = ("off", "block-bidirectional", "block-ingress")
EXCLUSION_MODES = ("allow-bidirectional", "allow-egress")


@dataclass
class RegionBpa:
    mode: str = "off"
    state: str = "default-state"
    updated: str = ""
    exclusions: dict[str, dict[str, str]] = field(default_factory=dict)


class BpaStore:
    """BPA settings by (account, region), shared by the server's request threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.regions: dict[tuple[str, str], RegionBpa] = {}
        self._ids = itertools.count(1)

    def region(self, account: str, region: str) -> RegionBpa:
        return self.regions.setdefault((account, region), RegionBpa())

    def next_id(self) -> str:
        return f"exclusion-{next(self._ids):017x}"

    def reset(self) -> None:
        with self.lock:
            self.regions.clear()


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _element(name: str, values: dict[str, str]) -> str:
    inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in values.items() if v)
    return f"<{name}>{inner}</{name}>"


def _options(account: str, region: str, bpa: RegionBpa) -> str:
    return _element(
        "vpcBlockPublicAccessOptions",
        {
            "awsAccountId": account,
            "awsRegion": region,
            "state": bpa.state,
            "internetGatewayBlockMode": bpa.mode,
            "lastUpdateTimestamp": bpa.updated,
            "exclusionsAllowed": "allowed",
        },
    )


def _exclusion(name: str, exclusion: dict[str, str]) -> str:
    return _element(name, exclusion)


def _respond(start_response: Callable[..., Any], action: str, body: str) -> Iterable[bytes]:
    text = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response xmlns="{NAMESPACE}">'
        f"<requestId>netwarden-bpa</requestId>{body}</{action}Response>"
    ).encode()
    start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(text)))])
    return [text]


def _invalid(start_response: Callable[..., Any], message: str) -> Iterable[bytes]:
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
        f"<Code>InvalidParameterValue</Code><Message>{escape(message)}</Message></Error>"
        "</Errors><RequestID>netwarden-bpa</RequestID></Response>"
    ).encode()
    start_response("400 Bad Request", [("Content-Type", "text/xml")])
    return [text]


def _request(environ: dict[str, Any]) -> tuple[str, str, str, str, dict[str, str]]:
    """(access key, region, service, action, parameters) of a query-protocol request; the
    body is put back for moto."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    match = _SCOPE.search(str(environ.get("HTTP_AUTHORIZATION", "")))
    key, region, service = match.groups() if match else ("", "", "")
    params = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()}
    return key, region, service, params.get("Action", ""), params


def _account(access_key: str) -> str:
    from moto.iam.models import get_account_id_from  # the account moto gives this key

    return str(get_account_id_from(access_key))


def answer(
    store: BpaStore,
    account: str,
    region: str,
    action: str,
    params: dict[str, str],
    start_response: Callable[..., Any],
) -> Iterable[bytes]:
    """One BPA call, as AWS answers it."""
    with store.lock:
        bpa = store.region(account, region)
        if action == "DescribeVpcBlockPublicAccessOptions":
            return _respond(start_response, action, _options(account, region, bpa))
        if action == "ModifyVpcBlockPublicAccessOptions":
            mode = params.get("InternetGatewayBlockMode", "")
            if mode not in MODES:
                return _invalid(start_response, f"invalid InternetGatewayBlockMode {mode!r}")
            bpa.mode, bpa.state, bpa.updated = mode, "update-complete", _now()
            return _respond(start_response, action, _options(account, region, bpa))
        if action == "CreateVpcBlockPublicAccessExclusion":
            mode = params.get("InternetGatewayExclusionMode", "")
            target = params.get("SubnetId") or params.get("VpcId") or ""
            if mode not in EXCLUSION_MODES or not target:
                return _invalid(start_response, "a VpcId or SubnetId and a valid mode")
            kind = "subnet" if target.startswith("subnet-") else "vpc"
            exclusion = {
                "exclusionId": store.next_id(),
                "internetGatewayExclusionMode": mode,
                "resourceArn": f"arn:aws:ec2:{region}:{account}:{kind}/{target}",
                "state": "create-complete",
                "creationTimestamp": _now(),
            }
            bpa.exclusions[exclusion["exclusionId"]] = exclusion
            return _respond(
                start_response, action, _exclusion("vpcBlockPublicAccessExclusion", exclusion)
            )
        if action == "DeleteVpcBlockPublicAccessExclusion":
            found = bpa.exclusions.pop(params.get("ExclusionId", ""), None)
            if found is None:
                return _invalid(start_response, "no such exclusion")
            gone = {**found, "state": "delete-complete", "deletionTimestamp": _now()}
            return _respond(
                start_response, action, _exclusion("vpcBlockPublicAccessExclusion", gone)
            )
        listed = "".join(_exclusion("item", e) for e in bpa.exclusions.values())
        body = f"<vpcBlockPublicAccessExclusionSet>{listed}</vpcBlockPublicAccessExclusionSet>"
        return _respond(start_response, action, body)


def block_public_access(store: BpaStore | None = None) -> Callable[[WsgiApp], WsgiApp]:
    """The middleware: BPA calls answered from ``store``, everything else passed to moto."""
    state = store or BpaStore()

    def wrap(app: WsgiApp) -> WsgiApp:
        def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            if environ.get("PATH_INFO") == "/moto-api/reset":
                state.reset()
                return app(environ, start_response)
            key, region, service, action, params = _request(environ)
            if service != "ec2" or action not in OPERATIONS:
                return app(environ, start_response)
            return answer(state, _account(key), region, action, params, start_response)

        return middleware

    return wrap
