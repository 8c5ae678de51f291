"""Remediation fields are looked up as ``string.Formatter.get_field`` looks them up, though
each field is split once per template (``scanner.policy.remediation``): the same value, or
the same error, for whole placeholders (the value itself) and within text alike."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from scanner.policy.remediation import _FORMATTER, _WHOLE, render
from tests.unit.fuzzing import examples

CONTEXT: dict[str, Any] = {
    "account": "123456789012",
    "region": "eu-west-1",
    "resource_id": "sg-1",
    "resource": {"GroupId": "sg-1", "Tags": [{"Key": "Name", "Value": "web"}], "0": "zero"},
    "evidence": {"Ports": [22, 3389], "c7n:nacl-open-ingress": [{"Port": 22}]},
    "item": {"Entry": {"RuleNumber": 100}, "Port": 22},
    "w": 8,
}
FIELDS = st.sampled_from(
    [
        "resource_id",
        "resource[GroupId]",
        "resource[Tags][0][Value]",
        "resource[Tags][1]",
        "resource[0]",
        "resource[Missing]",
        "resource.GroupId",
        "resource_id.upper",
        "resource_id.missing",
        "evidence[c7n:nacl-open-ingress]",
        "evidence[Ports][1]",
        "evidence[Ports][x]",
        "item[Entry][RuleNumber]",
        "item[Entry",
        "item]",
        "item[]",
        "item.",
        "missing",
        "missing[x]",
        "0",
        "0[x]",
    ]
)
SUFFIXES = st.sampled_from(["", "!r", "!s", "!j", "!x", ":>6", ":d", ":", "!"])


def _outcome(fn: Any) -> Any:
    try:
        return ("ok", fn())
    except Exception as exc:  # the exception is the outcome compared
        return ("error", type(exc), str(exc))


@given(field=FIELDS)
@examples(100, 3000)
def test_a_whole_placeholder_is_the_value_get_field_finds(field: str) -> None:
    template = "{" + field + "}"
    assert _WHOLE.match(template)
    expected = _outcome(lambda: _FORMATTER.get_field(field, (), CONTEXT)[0])
    assert _outcome(lambda: render(template, CONTEXT)) == expected


@given(pieces=st.lists(st.tuples(st.sampled_from(["", "x ", "{{", "}}"]), FIELDS, SUFFIXES)))
@examples(100, 3000)
def test_fields_in_text_render_as_vformat_renders_them(
    pieces: list[tuple[str, str, str]],
) -> None:
    template = "".join(f"{text}{{{field}{suffix}}}" for text, field, suffix in pieces) + " end"
    expected = _outcome(lambda: _FORMATTER.vformat(template, (), CONTEXT))
    assert _outcome(lambda: render(template, CONTEXT)) == expected
