"""WSGI middleware giving moto's EC2 Describe answers AWS-like pagination.

moto ignores ``MaxResults`` on most EC2 Describe calls and answers everything in one page, so
a client's page count against moto says nothing about its page count against AWS. This
middleware makes it real: a request carrying ``MaxResults`` (or a ``NextToken`` of ours) is
forwarded without either, the XML answer's item list (``<vpcSet><item>...``) is sliced at an
offset carried in our own ``NextToken``, and ``<nextToken>`` is added while items remain.

A request without ``MaxResults`` is answered in full, as AWS answers the older EC2 Describe
calls. Compose it with :func:`scanner.demo.middleware.chain`; put it after ``latency`` so
that every page is one delayed request.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from scanner.demo.server import Middleware, WsgiApp

DEFAULT_PAGE_SIZE = 1000  # a NextToken without MaxResults continues with AWS's usual maximum
TOKEN_PREFIX = "netwarden-page:"
_SERVICE = re.compile(r"Credential=[^/]+/\d{8}/[a-z0-9-]+/([a-z0-9-]+)/aws4_request")
_NAMESPACE = re.compile(r"^\{([^}]*)\}")
_SKIP = frozenset({"requestId", "nextToken"})


@dataclass(frozen=True)
class PageRequest:
    """The page a client asked for: where to start and how many items at most."""

    offset: int
    size: int


class BadToken(ValueError):
    """A NextToken this middleware did not issue."""


def encode_token(offset: int) -> str:
    """An opaque NextToken for the page starting at ``offset``."""
    return base64.urlsafe_b64encode(f"{TOKEN_PREFIX}{offset}".encode()).decode("ascii")


def decode_token(token: str) -> int:
    """The offset carried by one of our tokens; :class:`BadToken` for anything else."""
    try:
        text = base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise BadToken(token) from exc
    if not text.startswith(TOKEN_PREFIX) or not text[len(TOKEN_PREFIX) :].isdigit():
        raise BadToken(token)
    return int(text[len(TOKEN_PREFIX) :])


def page_request(params: list[tuple[str, str]]) -> PageRequest | None:
    """The requested page, or None when the client asked for everything (no paging)."""
    values = dict(params)
    if not values.get("Action", "").startswith("Describe"):
        return None
    size_text, token = values.get("MaxResults"), values.get("NextToken")
    if size_text is None and not token:
        return None
    size = int(size_text) if size_text and size_text.isdigit() else DEFAULT_PAGE_SIZE
    return PageRequest(decode_token(token) if token else 0, max(size, 1))


def _local(tag: str) -> str:
    return _NAMESPACE.sub("", tag)


def _item_list(root: ET.Element) -> ET.Element | None:
    """The response's list element: the first child (not requestId/nextToken) holding items,
    or an empty one."""
    for child in root:
        name = _local(child.tag)
        if name in _SKIP:
            continue
        if len(child) == 0 or all(_local(item.tag) == "item" for item in child):
            return child
    return None


def slice_response(body: bytes, page: PageRequest) -> bytes:
    """The XML answer reduced to one page, with ``<nextToken>`` when more items remain."""
    root = ET.fromstring(body)
    namespace_match = _NAMESPACE.match(root.tag)
    namespace = namespace_match.group(1) if namespace_match else ""
    for old in [c for c in root if _local(c.tag) == "nextToken"]:
        root.remove(old)
    items_parent = _item_list(root)
    if items_parent is not None:
        items = list(items_parent)
        end = page.offset + page.size
        for item in items[: page.offset] + items[end:]:
            items_parent.remove(item)
        if end < len(items):
            token = ET.SubElement(root, f"{{{namespace}}}nextToken" if namespace else "nextToken")
            token.text = encode_token(end)
    try:
        text = ET.tostring(root, encoding="unicode", default_namespace=namespace or None)
    except ValueError:  # an element outside the default namespace: keep prefixes
        text = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("utf-8")


def _error(start_response: Callable[..., Any], token: str) -> Iterable[bytes]:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<Response><Errors><Error><Code>InvalidNextToken</Code>"
        f"<Message>The token {token!r} is invalid.</Message></Error></Errors>"
        "<RequestID>netwarden-paginate</RequestID></Response>"
    ).encode()
    start_response(
        "400 Bad Request", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))]
    )
    return [body]


class _Captured:
    """A WSGI ``start_response`` that keeps what the wrapped app answered."""

    def __init__(self) -> None:
        self.status = "500 Internal Server Error"
        self.headers: list[tuple[str, str]] = []
        self.chunks: list[bytes] = []

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        self.status, self.headers = status, list(headers)
        return self.chunks.append


def _read_body(environ: dict[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body: bytes = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def paginate() -> Middleware:
    """EC2 Describe pagination at the page size each request asks for (see module doc)."""

    def wrap(app: WsgiApp) -> WsgiApp:
        def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            match = _SERVICE.search(environ.get("HTTP_AUTHORIZATION", ""))
            if not match or match.group(1) != "ec2" or environ.get("REQUEST_METHOD") != "POST":
                return app(environ, start_response)
            body = _read_body(environ)
            params = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True)
            try:
                page = page_request(params)
            except BadToken as bad:
                return _error(start_response, str(bad))
            if page is None:
                return app(environ, start_response)
            forwarded = urllib.parse.urlencode(
                [(k, v) for k, v in params if k not in ("MaxResults", "NextToken")]
            ).encode()
            environ["wsgi.input"] = io.BytesIO(forwarded)
            environ["CONTENT_LENGTH"] = str(len(forwarded))
            captured = _Captured()
            result = app(environ, captured.start_response)
            try:
                captured.chunks.extend(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            answer = b"".join(captured.chunks)
            if captured.status.startswith("200"):
                answer = slice_response(answer, page)
            headers = [(k, v) for k, v in captured.headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(answer))))
            start_response(captured.status, headers)
            return [answer]

        return middleware

    return wrap
