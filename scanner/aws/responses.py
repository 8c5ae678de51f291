"""Refusing a successful-looking response whose body is not the document the API promised.

botocore raises ``ResponseParserError`` for XML it cannot parse, but it quietly turns other
broken bodies into empty results: a JSON body cut short (CloudTrail, GuardDuty, Config) is
parsed as ``{}``, and an HTML page served with status 200 by a proxy or a captive portal is
well-formed enough to parse as an EC2 answer with no items. Either would put "no resources"
into a snapshot where the truth is "could not read", which is exactly the silent gap a
compliance scan must never have. A ``before-parse`` handler checks each 2xx body first, and
raises :class:`UnparseableResponse` (a ``ResponseParserError``, so callers catch one type).
"""

from __future__ import annotations

import json
import re
from typing import Any

from botocore.parsers import ResponseParserError

from scanner.textsafe import one_line

_XML_PROTOCOLS = ("ec2", "query")
_JSON_PROTOCOLS = ("json", "rest-json")
# The first element of an XML document, after any declaration, comments or doctype.
_FIRST_ELEMENT = re.compile(rb"<(?![?!])([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


class UnparseableResponse(ResponseParserError):
    """A 2xx response whose body is not the document its operation returns."""

    def __init__(self, operation: str, status: int, problem: str) -> None:
        super().__init__(f"{operation}: HTTP {status} response {problem}")
        self.operation = operation
        self.status = status
        self.problem = problem


def body_problem(protocol: str, operation: str, body: bytes, body_expected: bool) -> str | None:
    """Why ``body`` cannot be the answer to ``operation`` in ``protocol``, or None.

    Only what botocore would otherwise accept silently is checked here: XML well-formedness
    is botocore's own check, so for the query protocols only the root element is compared.
    """
    if protocol in _XML_PROTOCOLS:
        match = _FIRST_ELEMENT.search(body[:4096])
        if match is None:
            return f"is not XML: {excerpt(body)}"
        root = match.group(2).decode("ascii", "replace")
        if root != f"{operation}Response":
            return f"has root element <{root}>, not <{operation}Response>: {excerpt(body)}"
        return None
    if protocol in _JSON_PROTOCOLS:
        if not body.strip():
            return "has an empty body" if body_expected else None
        try:
            document = json.loads(body)
        except ValueError as exc:  # UnicodeDecodeError is a ValueError too
            return f"is not valid JSON ({exc}): {excerpt(body)}"
        if not isinstance(document, dict):
            return f"is not a JSON object: {excerpt(body)}"
    return None


def excerpt(body: bytes, limit: int = 80) -> str:
    """The start of a body, printable on one line (it may come from anyone on the path)."""
    return one_line(body[: limit * 4].decode("utf-8", "replace"), limit)


def _has_body_members(shape: Any) -> bool:
    members = getattr(shape, "members", {}) or {}
    return any("location" not in member.serialization for member in members.values())


def check_response(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
    """botocore ``before-parse`` handler: raise :class:`UnparseableResponse` for a 2xx body
    that botocore would parse into a silently empty result."""
    status = int(response_dict.get("status_code") or 0)
    if not 200 <= status < 300 or operation_model.has_streaming_output:
        return
    shape = operation_model.output_shape
    if shape is None or shape.serialization.get("payload"):
        return
    body = response_dict.get("body") or b""
    if not isinstance(body, bytes):
        return  # a stream: not ours to read
    protocol = operation_model.service_model.resolved_protocol
    problem = body_problem(protocol, operation_model.name, body, _has_body_members(shape))
    if problem is not None:
        raise UnparseableResponse(operation_model.name, status, problem)


def install(events: Any) -> None:
    """Check every response of the clients made from a session with these ``events``."""
    events.register("before-parse", check_response, unique_id="netwarden-check-response")
