"""Hypothesis strategies over EC2 output shapes, a serializer of their values as EC2 query
XML (the wire form AWS answers), mutations that make a response irregular, and the
comparison of two parsers' outcomes (result with key order, or exception)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from typing import Any

import botocore.session
from hypothesis import strategies as st

NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/"
MODEL = botocore.session.get_session().get_service_model("ec2")

# Text as the API answers it and worse: XML's special characters, whitespace, non-ASCII.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), max_codepoint=0x2FFF)
    | st.sampled_from("<>&'\"\n\t "),
    max_size=6,
)
WORDS = st.sampled_from(("", "default", "vpc-0a1b", "10.0.0.0/16", "0.0.0.0/0", "tcp", "-1"))
TIMESTAMPS = st.datetimes(min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(
    lambda d: d.replace(tzinfo=dt.UTC)
)


def value_of(shape: Any, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of one shape, as botocore would hand them to a serializer."""
    kind = shape.type_name
    if kind == "string":
        if shape.enum:
            return st.sampled_from(shape.enum) | WORDS
        return WORDS | TEXT
    if kind == "boolean":
        return st.booleans()
    if kind in ("integer", "long"):
        return st.integers(-(2**63), 2**63)
    if kind in ("float", "double"):
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "timestamp":
        return TIMESTAMPS
    if kind == "list":
        return st.lists(value_of(shape.member, depth + 1), max_size=3 if depth < 3 else 1)
    if kind == "structure":
        optional = {name: value_of(member, depth + 1) for name, member in shape.members.items()}
        return st.fixed_dictionaries({}, optional=optional)  # type: ignore[arg-type]
    raise AssertionError(f"no strategy for {kind} ({shape.name})")


def _text(shape: Any, value: Any) -> str:
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        # AWS writes 2024-05-01T12:00:00.000Z; sometimes without the milliseconds.
        text: str = value.strftime("%Y-%m-%dT%H:%M:%S")
        return text + (".000Z" if value.microsecond % 2 else "Z")
    return str(value)


def _fill(element: ET.Element, shape: Any, value: Any) -> None:
    kind = shape.type_name
    if kind == "structure":
        for name, member in shape.members.items():
            if name in value:
                child = ET.SubElement(element, member.serialization.get("name", name))
                _fill(child, member, value[name])
    elif kind == "list":
        tag = shape.member.serialization.get("name", "member")
        for item in value:
            _fill(ET.SubElement(element, tag), shape.member, item)
    else:
        element.text = _text(shape, value)


def response_tree(operation: str, value: dict[str, Any], request_id: str) -> ET.Element:
    """The XML tree AWS answers for ``operation`` with ``value`` as its parsed output."""
    shape = MODEL.operation_model(operation).output_shape
    root = ET.Element(f"{operation}Response", {"xmlns": NAMESPACE})
    ET.SubElement(root, "requestId").text = request_id
    _fill(root, shape, value)
    return root


def http_response(body: bytes, status: int = 200) -> dict[str, Any]:
    return {
        "body": body,
        "headers": {"Content-Type": "text/xml;charset=UTF-8", "X-Amzn-RequestId": "r-1"},
        "status_code": status,
        "context": {},
    }


MUTATIONS = (
    "repeat",
    "unknown",
    "junk-text",
    "no-text",
    "child-in-scalar",
    "reverse",
    "other-namespace",
)


def mutate(root: ET.Element, choices: list[tuple[int, str]]) -> None:
    """Apply (element index, mutation) pairs to the tree: repeated members, tags the model
    does not know, text that does not convert, empty elements, children where text was,
    another order, another namespace."""
    elements = list(root.iter())
    for index, mutation in choices:
        element = elements[index % len(elements)]
        children = list(element)
        if mutation == "repeat" and children:
            element.append(ET.fromstring(ET.tostring(children[index % len(children)])))
        elif mutation == "unknown":
            ET.SubElement(element, "netwardenUnknown").text = "x"
        elif mutation == "junk-text" and not children:
            element.text = ("", " 12 ", "1e3", "yes", "TRUE", "x")[index % 6]
        elif mutation == "no-text" and not children:
            element.text = None
        elif mutation == "child-in-scalar" and not children:
            ET.SubElement(element, "item").text = "nested"
        elif mutation == "reverse":
            element[:] = children[::-1]
        elif mutation == "other-namespace" and element is not root:
            local = element.tag.split("}")[-1]
            element.tag = f"{{urn:other}}{local}"


def ordered(value: Any) -> Any:
    """The value with every dict as its list of items: equality that sees key order."""
    if isinstance(value, dict):
        return [(key, ordered(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [ordered(item) for item in value]
    if isinstance(value, ET.Element):
        # botocore hands back the nodes themselves for a repeated scalar member.
        return ("element", value.tag, value.text, [ordered(child) for child in value])
    return value


def outcome(parser: Any, response: dict[str, Any], shape: Any) -> Any:
    """What a parser makes of a response: its result in order, or its exception."""
    try:
        return ("ok", ordered(parser.parse(response, shape)))
    except Exception as exc:  # the exception is the outcome being compared
        # Messages may quote the XML nodes, whose reprs carry their addresses.
        return ("error", type(exc).__name__, re.sub(r" at 0x[0-9a-f]+", "", str(exc)))
