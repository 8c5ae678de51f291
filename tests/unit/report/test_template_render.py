"""Remediation templates render exactly as ``string.Formatter.vformat`` renders them, though
each template is parsed once (``scanner.policy.remediation``): same text or same error."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.policy.remediation import _FORMATTER, _WHOLE, render

CONTEXT: dict[str, Any] = {
    "account": "123456789012",
    "region": "eu-west-1",
    "resource_id": "sg-1",
    "resource": {"GroupId": "sg-1", "Tags": [{"Key": "Name", "Value": "web"}]},
    "evidence": {"Ports": [22, 3389], "Cidr": "0.0.0.0/0"},
    "item": {"FromPort": 22},
    "w": 8,
}
PIECES = st.sampled_from(
    [
        "{",
        "}",
        "{{",
        "}}",
        "{resource_id}",
        "{resource[GroupId]}",
        "{resource[Tags][0][Value]!r}",
        "{evidence!j}",
        "{evidence[Ports]!s}",
        "{item[FromPort]:>6}",
        "{region:{w}}",
        "{}",
        "{0}",
        "{missing}",
        "{account!x}",
        "{resource_id:d}",
        " sg ",
        "--group-id ",
        ":",
        "!",
    ]
)


def _outcome(fn: Any) -> Any:
    try:
        return ("ok", fn())
    except Exception as exc:  # the exception is the outcome compared
        return ("error", type(exc), str(exc))


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=5).map("".join))
def test_render_equals_vformat(template: str) -> None:
    expected = _outcome(lambda: _FORMATTER.vformat(template, (), CONTEXT))
    if _WHOLE.match(template):
        return  # exactly one placeholder: the value itself, not its text (tested below)
    assert _outcome(lambda: render(template, CONTEXT)) == expected


def test_a_whole_placeholder_is_the_value_itself() -> None:
    assert render("{evidence[Ports]}", CONTEXT) == [22, 3389]
    assert render({"IpPermissions": "{item}"}, CONTEXT) == {"IpPermissions": {"FromPort": 22}}


def test_literal_templates() -> None:
    assert render("revoke {resource_id} in {region}", CONTEXT) == "revoke sg-1 in eu-west-1"
    assert render("{evidence!j}", CONTEXT) == '{"Cidr":"0.0.0.0/0","Ports":[22,3389]}'
    assert render("{region:>{w}}", CONTEXT) == "eu-west-1"
