"""Reading a baseline against the live state (``scanner.baseline.blocks``) must give exactly
what the full parser (``store.parse``) gives: the same resources with the same types, the
same key order, the same line index, the same error. The oracle is ``store.parse``;
unchanged entries must really be taken from the live state (the speed-up is checked, too).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from scanner import fastyaml
from scanner.baseline import blocks, store
from scanner.drift.engine import diff_region
from scanner.errors import InputError
from tests.unit.core.test_fastyaml import TRICKY, typed
from tests.unit.fuzzing import examples

ACCOUNT, REGION = "111111111111", "us-east-1"


def full(text: str) -> Any:
    try:
        return store.parse(text, "b.yaml", ACCOUNT, REGION, line_depth=store.RESOURCE_LINES)
    except InputError as exc:
        return exc


def against(text: str, live: Any) -> Any:
    try:
        return store.parse_against(text, "b.yaml", ACCOUNT, REGION, live)
    except InputError as exc:
        return exc


def same(a: Any, b: Any) -> None:
    """The two readings are the same baseline, or the same error."""
    if isinstance(a, InputError) or isinstance(b, InputError):
        assert isinstance(a, InputError) and isinstance(b, InputError), (a, b)
        assert (str(a), a.path, a.line) == (str(b), b.path, b.line)
        return
    assert typed(a.resources) == typed(b.resources)
    assert [(t, list(e)) for t, e in a.resources.items()] == [
        (t, list(e)) for t, e in b.resources.items()
    ]
    assert dict(a.lines) == dict(b.lines)
    assert (a.account, a.region, a.path) == (b.account, b.region, b.path)


SG = {
    "GroupName": "web",
    "Description": "tier 1",
    "VpcId": "vpc-1",
    "ingress": [
        {"cidr": "10.0.0.0/8", "from_port": 22, "protocol": "tcp", "to_port": 22},
        {"group": "sg-2", "protocol": "-1"},
    ],
    "egress": [{"cidr": "0.0.0.0/0", "protocol": "-1"}],
    "tags": {"Name": "web", "Team": "a"},
}
ACL = {
    "VpcId": "vpc-1",
    "IsDefault": False,
    "ingress": [
        {"action": "deny", "cidr": "0.0.0.0/0", "protocol": "-1", "rule_number": 32767},
    ],
    "egress": [],
    "subnets": ["subnet-1"],
    "tags": {},
}
PEERING = {
    "requester": {"OwnerId": ACCOUNT, "Region": REGION, "VpcId": "vpc-1", "cidrs": ["10.0.0.0/16"]},
    "accepter": {"OwnerId": "222222222222", "Region": REGION, "VpcId": "vpc-2", "cidrs": []},
    "status": "active",
    "tags": {},
}
ALARM = {"Namespace": "AWS/NATGateway", "Threshold": 1.0, "Period": 300, "ActionsEnabled": True}
# A list item holding collections (an endpoint policy's statement), and quoted '*'.
ENDPOINT = {
    "VpcId": "vpc-1",
    "ServiceName": "com.amazonaws.us-east-1.s3",
    "policy": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
            },
            {"Effect": "Deny", "Principal": {"AWS": ["arn:aws:iam::1:root"]}, "Action": "*"},
        ],
    },
    "route_tables": ["rtb-1"],
    "tags": {"CostCenter": "network team"},
}
RESOURCES: dict[str, dict[str, dict[str, Any]]] = {
    "aws.security-group": {"sg-1": SG, "sg-2": {**SG, "GroupName": "db", "ingress": []}},
    "aws.network-acl": {"acl-1": ACL},
    "aws.peering-connection": {"pcx-1": PEERING},
    "aws.alarm": {"nat-1-ErrorPortAllocation": ALARM},
    "aws.vpc-endpoint": {"vpce-1": ENDPOINT},
    "aws.cloudtrail": {
        "arn:aws:cloudtrail:us-east-1:111111111111:trail/t": {"Name": "t", "logging": True}
    },
    "aws.vpn-gateway": {},
}


def test_an_unchanged_baseline_is_the_live_state_itself() -> None:
    text = store.render(ACCOUNT, REGION, RESOURCES)
    live = copy.deepcopy(RESOURCES)
    assert blocks.read_against(text, "b.yaml", ACCOUNT, REGION, live, store._check_fields)
    got = against(text, live)
    same(got, full(text))
    for rtype, entries in live.items():
        for rid, fields in entries.items():
            assert got.resources[rtype][rid] is fields, (rtype, rid)
    # ... and the drift engine skips those entries without comparing them.
    assert diff_region(ACCOUNT, REGION, got, live) == []


def test_only_changed_entries_are_parsed_and_drift_is_unchanged() -> None:
    text = store.render(ACCOUNT, REGION, RESOURCES)
    live = copy.deepcopy(RESOURCES)
    live["aws.security-group"]["sg-1"]["ingress"].pop()
    live["aws.security-group"]["sg-3"] = SG
    del live["aws.network-acl"]["acl-1"]
    got, expected = against(text, live), full(text)
    same(got, expected)
    assert got.resources["aws.security-group"]["sg-1"] is not live["aws.security-group"]["sg-1"]
    assert got.resources["aws.security-group"]["sg-2"] is live["aws.security-group"]["sg-2"]
    assert diff_region(ACCOUNT, REGION, got, live) == diff_region(ACCOUNT, REGION, expected, live)


def test_the_renderer_writes_what_the_baseline_writer_writes() -> None:
    """Equal text is what makes the shortcut fire: the renderer must match libyaml's output
    for the shapes projections have (else every entry is parsed: correct, but slow)."""
    text = store.render(ACCOUNT, REGION, RESOURCES)
    renderer = blocks.Renderer()
    for entries in RESOURCES.values():
        for rid, fields in entries.items():
            rendered = renderer.fields(fields)
            assert rendered is not None, rid
            assert f"\n    {rid}:\n{rendered}" in text, rid


def test_list_items_written_before_are_told_apart_by_their_values_types() -> None:
    """The renderer remembers each list item it wrote; 1, 1.0 and True are equal as values
    (and as dict keys) but are three different texts."""
    renderer = blocks.Renderer()
    items = [{"a": 1, "b": "x"}, {"a": True, "b": "x"}, {"a": 1.0, "b": "x"}, {"a": 1, "b": "x"}]
    for _ in range(2):
        rendered = renderer.fields({"ingress": items})
        assert rendered == (
            "      ingress:\n"
            "      - a: 1\n        b: x\n"
            "      - a: true\n        b: x\n"
            "      - a: 1.0\n        b: x\n"
            "      - a: 1\n        b: x\n"
        )
    fields = {"ingress": items}
    text = store.render(ACCOUNT, REGION, {"aws.security-group": {"sg-1": fields}})
    assert f"\n    sg-1:\n{rendered}" in text


HAND_EDITED = {
    "comment among resources": ("    sg-2:\n", "    # reviewed\n    sg-2:\n"),
    "blank line": ("    sg-2:\n", "\n    sg-2:\n"),
    "flow mapping": (
        "      tags:\n        Name: web\n        Team: a\n",
        "      tags: {Name: web}\n",
    ),
    "trailing comment": ("GroupName: db\n", "GroupName: db # the db tier\n"),
    "quoted id": ("    sg-2:\n", "    'sg-2':\n"),
    "numeric id": ("    sg-2:\n", "    123:\n"),
    "duplicate id": ("    sg-2:\n", "    sg-1:\n"),
    "duplicate type": ("  aws.network-acl:\n", "  aws.security-group:\n"),
    "unknown type": ("  aws.network-acl:\n", "  aws.nacl:\n"),
    "unknown key": ("resources:\n", "extra: 1\nresources:\n"),
    "wrong account": (f"'{ACCOUNT}'", "'222222222222'"),
    "fields not a mapping": ("    pcx-1:\n", "    pcx-0: [1]\n    pcx-1:\n"),
    "wrong kind": ("      egress: []\n", "      egress: 5\n"),
    "odd indentation": ("      VpcId: vpc-1\n", "     VpcId: vpc-1\n"),
    "three spaces": ("    sg-2:\n", "   sg-2:\n"),
    "text below a type": ("  aws.network-acl:\n", "  aws.network-acl:\n      x: 1\n"),
    "id under an empty type": ("  aws.vpn-gateway: {}\n", "  aws.vpn-gateway: {}\n    vgw-1:\n"),
    "no final newline": ("  aws.vpn-gateway: {}\n", "  aws.vpn-gateway: {}"),
    "a date": ("Description: tier 1", "Description: 2001-01-01"),
    "a tab": ("GroupName: db", "GroupName:\tdb"),
    "header blank line": ("account:", "\naccount:"),
    "resources empty": ("resources:\n", "resources: {}\n"),
    # A type without tags in its projection: a list there is read, not a crash.
    "tags a list": ("      logging: true\n", "      logging: true\n      tags:\n      - x\n"),
    # After an unchanged entry (taken whole) and at the end of the file.
    "comment at id level": ("    sg-2:\n", "    # sg-1 reviewed:\n    sg-2:\n"),
    "comment at type level": ("  aws.network-acl:\n", "  # acl:\n  aws.network-acl:\n"),
    "blank line after an unchanged entry": ("  aws.network-acl:\n", "\n  aws.network-acl:\n"),
    "blank last line": ("  aws.vpn-gateway: {}\n", "  aws.vpn-gateway: {}\n\n"),
    "spaces-only line": ("    sg-2:\n", "      \n    sg-2:\n"),
    "comment inside a nested item": (
        "          Effect: Deny\n",
        "          # no\n          Effect: Deny\n",
    ),
}


@pytest.mark.parametrize("name", sorted(HAND_EDITED))
def test_hand_edited_files_read_as_the_full_parser_reads_them(name: str) -> None:
    old, new = HAND_EDITED[name]
    text = store.render(ACCOUNT, REGION, RESOURCES)
    assert old in text, name
    edited = text.replace(old, new, 1)
    same(against(edited, copy.deepcopy(RESOURCES)), full(edited))


plain_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=10)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    plain_text,
    st.sampled_from(TRICKY),
    st.datetimes(timezones=st.just(dt.UTC)),
)
keys = st.one_of(plain_text, st.sampled_from(TRICKY))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=20,
)
fields_of = st.dictionaries(keys, values, max_size=5)


@examples(50, 4000)
@given(fields_of)
def test_whatever_the_renderer_writes_reads_back_as_the_same_value(fields: dict[str, Any]) -> None:
    """The property the shortcut rests on, independent of libyaml: the renderer's text, as
    an entry, reads back (through the fast reader, exact to PyYAML) as the value itself,
    types included; and it is what the baseline writer writes."""
    rendered = blocks.Renderer().fields(fields)
    if rendered is None:
        return
    document = "id:\n" + "".join(line[4:] + "\n" for line in rendered.splitlines())
    loaded = fastyaml.load(document)
    assert loaded is not None, document
    assert typed(loaded[0]) == typed({"id": store._canonical(fields)})


@examples(50, 4000)
@given(fields_of)
def test_the_renderer_writes_only_lines_inside_the_layout(fields: dict[str, Any]) -> None:
    """An entry taken whole as its live resource is not searched for comments, blank lines
    or odd indentation, nor for a type or id line inside it: the renderer never writes one."""
    rendered = blocks.Renderer().fields(fields)
    if rendered is None:
        return
    text = "\n" + rendered
    assert not blocks._OFF_LAYOUT.search(text), rendered
    assert not blocks._COMMENT_OR_BLANK.search(text), rendered
    assert not blocks._BOUNDARY.search(rendered), rendered
    assert all(line.startswith("      ") for line in rendered.splitlines()), rendered


@examples(50, 10000)
@given(st.from_regex(blocks._SURELY_PLAIN_TEXT, fullmatch=True) | st.sampled_from(TRICKY))
def test_surely_plain_strings_read_back_as_themselves(text: str) -> None:
    """The renderer's shortcut past the resolver, against PyYAML itself: a string it writes
    plain without asking reads back as that string, as a value and as a list item."""
    if not blocks._SURELY_PLAIN_TEXT.fullmatch(text):
        return
    assert yaml.safe_load(f"k: {text}\n") == {"k": text}
    assert yaml.safe_load(f"k:\n- {text}\n") == {"k": [text]}
    assert blocks.Renderer().scalar(text) == text


def test_fields_nested_deeper_than_the_entry_reader_reads_are_left_to_the_full_parser() -> None:
    deep: Any = "x"
    for level in range(fastyaml.MAX_DEPTH):
        deep = {"k": deep} if level % 2 else [{"k": deep}]
    live = copy.deepcopy(RESOURCES)
    live["aws.vpc-endpoint"]["vpce-1"] = {**ENDPOINT, "policy": {"Statement": deep}}
    text = store.render(ACCOUNT, REGION, live)
    same(against(text, copy.deepcopy(live)), full(text))
    assert isinstance(full(text), InputError)


edits = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=3000),
        st.sampled_from(["insert", "delete", "replace"]),
        st.sampled_from(list(" \n-:#'\"{}[]&*!|>%@?,\tax0~")),
    ),
    min_size=1,
    max_size=3,
)
live_edits = st.lists(
    st.tuples(st.sampled_from(sorted(RESOURCES)), st.sampled_from(["drop", "change", "add"])),
    max_size=3,
)


def _apply(text: str, changes: list[tuple[int, str, str]]) -> str:
    for position, kind, char in changes:
        at = position % (len(text) + 1)
        if kind == "insert":
            text = text[:at] + char + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + char + text[at + 1 :]
    return text


@examples(50, 5000)
@given(edits, live_edits)
def test_a_corrupted_baseline_reads_as_the_full_parser_reads_it(
    changes: list[tuple[int, str, str]], live_changes: list[tuple[str, str]]
) -> None:
    text = _apply(store.render(ACCOUNT, REGION, RESOURCES), changes)
    live = copy.deepcopy(RESOURCES)
    for rtype, change in live_changes:
        entries = live[rtype]
        if change == "drop" and entries:
            entries.pop(next(iter(entries)))
        elif change == "change" and entries:
            next(iter(entries.values()))["tags"] = {"Changed": "yes"}
        elif change == "add":
            entries["new-1"] = {"tags": {}}
    same(against(text, live), full(text))


@examples(20, 2000)
@given(st.dictionaries(st.sampled_from(sorted(RESOURCES)), st.dictionaries(keys, fields_of)))
def test_generated_baselines_read_as_the_full_parser_reads_them(resources: Any) -> None:
    text = store.render(ACCOUNT, REGION, resources)
    same(against(text, copy.deepcopy(resources)), full(text))
