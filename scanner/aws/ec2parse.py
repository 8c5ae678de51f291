"""A shape-compiled parser for the EC2 Describe responses netwarden collects.

Why: collection is CPU-bound on botocore's response parsing. botocore walks every XML node
through generic code: a ``getattr`` dispatch per node, the member's serialization dict read
per member per item, a regex per tag to strip the namespace. For a page of security groups
that is most of the time a scan spends collecting. Here each output shape is compiled once
into closures that know their members, their XML names and their scalar types, and the
namespace is stripped once per distinct tag.

What stays botocore's:
- everything around the body: ``parse()`` (status codes, error responses, ResponseMetadata
  with the HTTP headers), the XML parsing itself (same expat, same errors), and
- any response that is not in the ordinary form the compiled code assumes (a member tag
  repeated, a scalar that does not convert): the whole body is parsed again by botocore,
  so the result, or the exception, is botocore's own. A fallback is counted, never hidden.
- every operation not in :data:`OPERATIONS`, and any shape with a feature not compiled here
  (maps, flattened lists, XML attributes, header members, unions, blobs...).

Proven equal to botocore's parser on hypothesis-generated responses for every compiled
output shape and on recorded moto responses (tests/unit/collect/test_ec2parse.py,
tests/integration/test_ec2parse_recorded.py). ``NETWARDEN_PARSER=botocore`` turns it off.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
from collections.abc import Callable
from typing import Any

from botocore.model import Shape, StructureShape
from botocore.parsers import EC2QueryParser, ResponseParserFactory

Node = Any  # an xml.etree Element
Parse = Callable[[Node], Any]

ENV = "NETWARDEN_PARSER"

# The EC2 operations netwarden calls (each type's collector in scanner/resources/, its
# extra_operations, and DescribeRegions for the enabled regions).
# tests/unit/collect/test_ec2parse.py checks this list against them.
OPERATIONS = frozenset(
    {
        "DescribeAddresses",
        "DescribeCustomerGateways",
        "DescribeEgressOnlyInternetGateways",
        "DescribeFlowLogs",
        "DescribeInternetGateways",
        "DescribeManagedPrefixLists",
        "DescribeNatGateways",
        "DescribeNetworkAcls",
        "DescribeNetworkInterfaces",
        "DescribeRegions",
        "DescribeRouteTables",
        "DescribeSecurityGroups",
        "DescribeSubnets",
        "DescribeTransitGatewayAttachments",
        "DescribeTransitGateways",
        "DescribeVpcEndpoints",
        "DescribeVpcBlockPublicAccessExclusions",
        "DescribeVpcBlockPublicAccessOptions",
        "DescribeVpcPeeringConnections",
        "DescribeVpcs",
        "DescribeVpnConnections",
        "DescribeVpnGateways",
        "GetManagedPrefixListEntries",
    }
)
# Their output shapes are named <Operation>Result in the EC2 model.
OUTPUT_SHAPES = frozenset(f"{name}Result" for name in OPERATIONS)

# botocore strips namespaces with this very pattern (BaseXMLResponseParser._namespace_re).
_NAMESPACE = re.compile("{.*}")
_local_names: dict[str, str] = {}


class Unsupported(Exception):
    """A shape uses a feature this compiler does not implement: botocore parses it."""


class _Irregular(Exception):
    """The response is not in the form the compiled code assumes: botocore parses it."""


def local_name(tag: str) -> str:
    """The tag without its namespace, exactly as botocore strips it; memoized because a
    response repeats a few dozen distinct tags thousands of times."""
    name = _local_names.get(tag)
    if name is None:
        name = _NAMESPACE.sub("", tag)
        if len(_local_names) < 10_000:  # bounded: tags come from the network
            _local_names[tag] = name
    return name


def _string(node: Node) -> Any:
    text = node.text
    return "" if text is None else text


def _boolean(node: Node) -> bool:
    return node.text == "true"


def _integer(node: Node) -> int:
    return int(node.text or "")


def _float(node: Node) -> float:
    return float(node.text or "")


SCALARS: dict[str, Parse] = {
    "string": _string,
    "character": _string,
    "boolean": _boolean,
    "integer": _integer,
    "long": _integer,
    "float": _float,
    "double": _float,
}
# Serialization keys that change how botocore reads a member; none is compiled here.
_UNSUPPORTED_KEYS = ("flattened", "xmlAttribute", "location", "eventheader", "eventstream")


class Compiler:
    """Compiles output shapes of one service model for one timestamp parser."""

    def __init__(self, timestamp_parser: Callable[[str], Any]) -> None:
        self._timestamp_parser = timestamp_parser
        self._done: dict[str, Parse] = {}
        self._compiling: set[str] = set()

    def compile(self, shape: Shape) -> Parse:
        key = f"{shape.type_name}:{shape.name}"
        found = self._done.get(key)
        if found is not None:
            return found
        if key in self._compiling:
            raise Unsupported(f"recursive shape {shape.name}")
        self._compiling.add(key)
        try:
            parse = self._compile(shape)
        finally:
            self._compiling.discard(key)
        self._done[key] = parse
        return parse

    def _compile(self, shape: Shape) -> Parse:
        for key in _UNSUPPORTED_KEYS:
            if shape.serialization.get(key):
                raise Unsupported(f"{shape.name}: {key}")
        kind = shape.type_name
        if kind in SCALARS:
            return SCALARS[kind]
        if kind == "timestamp":
            return self._timestamp()
        if kind == "list":
            return self._list(shape)
        if kind == "structure":
            return self._structure(shape)
        raise Unsupported(f"{shape.name}: {kind}")

    def _timestamp(self) -> Parse:
        convert = self._timestamp_parser

        def parse_timestamp(node: Node) -> Any:
            text = node.text
            return convert("" if text is None else text)

        return parse_timestamp

    def _list(self, shape: Any) -> Parse:
        member = self.compile(shape.member)

        # A list's wrapper holds one child per element whatever the children's tags are
        # (botocore iterates the wrapper's children without looking at them).
        def parse_list(node: Node) -> list[Any]:
            return [member(child) for child in node]

        return parse_list

    def _structure(self, shape: StructureShape) -> Parse:
        if (
            shape.is_tagged_union
            or shape.is_document_type
            or shape.metadata.get("exception")
            or getattr(shape, "is_event_stream", False)
        ):
            raise Unsupported(f"{shape.name}: union, document, exception or event stream")
        members: dict[str, tuple[int, str, Parse]] = {}  # xml name -> (order, name, parse)
        for order, (name, member_shape) in enumerate(shape.members.items()):
            for key in _UNSUPPORTED_KEYS:
                if member_shape.serialization.get(key):
                    raise Unsupported(f"{shape.name}.{name}: {key}")
            xml_name = member_shape.serialization.get("name")
            if xml_name is None:
                xml_name = name
            if xml_name in members:
                raise Unsupported(f"{shape.name}: two members named {xml_name}")
            members[xml_name] = (order, name, self.compile(member_shape))
        return _structure_parser(members)


def _structure_parser(members: dict[str, tuple[int, str, Parse]]) -> Parse:
    by_tag: dict[str, tuple[int, str, Parse] | None] = {}

    def parse_structure(node: Node) -> dict[str, Any]:
        found: list[tuple[int, str, Any]] = []
        last = -1
        ordered = True
        for child in node:
            tag = child.tag
            try:
                member = by_tag[tag]
            except KeyError:
                member = by_tag[tag] = members.get(local_name(tag))
            if member is None:
                continue  # a tag the model does not know: botocore ignores it too
            order = member[0]
            if order <= last:
                ordered = False  # XML order differs from the model's, or a member repeats
            last = order
            found.append((order, member[1], member[2](child)))
        if not ordered:
            found.sort(key=_first)
            for before, after in itertools.pairwise(found):
                if before[0] == after[0]:
                    # botocore would make a list of the repeated nodes: its parse decides.
                    raise _Irregular
        # The model's member order, as botocore builds the dict.
        return {name: value for _, name, value in found}

    return parse_structure


def _first(entry: tuple[int, str, Any]) -> int:
    return entry[0]


# Compiled parsers by (service model's shape table, timestamp parser); the shape table is
# kept in the value so that its id is never reused while the entry lives.
_cache: dict[tuple[int, Any], tuple[Any, Compiler]] = {}
_cache_lock = threading.Lock()
_unsupported: set[tuple[int, str]] = set()


class Stats:
    """How many responses each path parsed: the tests assert the compiled path ran."""

    def __init__(self) -> None:
        self.compiled = 0
        self.fallbacks = 0
        self.lock = threading.Lock()

    def count(self, compiled: bool) -> None:
        with self.lock:
            if compiled:
                self.compiled += 1
            else:
                self.fallbacks += 1


STATS = Stats()


def compiled_output(shape: Shape | None, timestamp_parser: Callable[[str], Any]) -> Parse | None:
    """The compiled parser of an operation's output shape, or None where botocore parses."""
    if shape is None or shape.name not in OUTPUT_SHAPES or shape.type_name != "structure":
        return None
    if shape.serialization.get("resultWrapper"):
        return None
    table = shape._shape_resolver._shape_map
    key = (id(table), timestamp_parser)
    with _cache_lock:
        if (id(table), shape.name) in _unsupported:
            return None
        entry = _cache.get(key)
        if entry is None:
            entry = _cache[key] = (table, Compiler(timestamp_parser))
        try:
            return entry[1].compile(shape)
        except Unsupported:
            _unsupported.add((id(table), shape.name))
            return None


class CompiledEC2Parser(EC2QueryParser):
    """botocore's EC2 parser, with the body of the compiled operations parsed by compiled
    code. Errors (status >= 301) never reach ``_do_parse``: they stay botocore's."""

    def _do_parse(self, response: dict[str, Any], shape: Any) -> Any:
        parse = compiled_output(shape, self._timestamp_parser)
        if parse is None:
            return super()._do_parse(response, shape)
        root = self._parse_xml_string_to_dom(response["body"])  # botocore's, errors included
        try:
            parsed = parse(root)
            request_ids = [child for child in root if local_name(child.tag) == "requestId"]
            if len(request_ids) > 1:
                raise _Irregular
        except Exception:
            # Not the ordinary form (or a value that does not convert): botocore's parse,
            # whose result or exception is then the answer.
            STATS.count(compiled=False)
            return super()._do_parse(response, shape)
        if request_ids:
            parsed["ResponseMetadata"] = {"RequestId": request_ids[0].text}
        STATS.count(compiled=True)
        return parsed


class CompiledParserFactory(ResponseParserFactory):
    """botocore's factory, answering the compiled parser for the ``ec2`` protocol."""

    def create_parser(self, protocol_name: str) -> Any:
        if protocol_name == "ec2":
            return CompiledEC2Parser(**self._defaults)
        return super().create_parser(protocol_name)


def enabled() -> bool:
    return os.environ.get(ENV, "").strip().lower() not in ("botocore", "off", "0")


def install(session: Any) -> None:
    """Make a boto3 or botocore session's new clients parse EC2 responses with the compiled
    parser (unless ``NETWARDEN_PARSER=botocore``); the parser defaults already set on the
    session's factory are kept."""
    if not enabled():
        return
    core = getattr(session, "_session", session)
    current = core.get_component("response_parser_factory")
    if isinstance(current, CompiledParserFactory):
        return
    factory = CompiledParserFactory()
    factory._defaults.update(getattr(current, "_defaults", {}))
    core.register_component("response_parser_factory", factory)
