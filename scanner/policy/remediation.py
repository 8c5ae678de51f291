"""Remediation actions rendered from a policy's metadata templates and one finding.

Templates are ``str.format`` strings over ``account``, ``region``, ``resource_id``, ``arn``,
``resource`` (the raw item), ``evidence`` and, with ``foreach: KEY``, ``item`` (one element of
``evidence[KEY]``; one action per element). ``{x!j}`` renders ``x`` as compact JSON; an API
parameter that is exactly one ``{x}`` placeholder becomes the value itself (a list stays a
list), so ``IpPermissions: "{evidence[MatchedIpPermissions]}"`` passes the permissions through.
"""

from __future__ import annotations

# The field splitter string.Formatter.get_field itself uses (typeshed has no stub for it).
import _string  # type: ignore[import-not-found]
import functools
import json
import re
import string
from collections.abc import Mapping
from typing import Any

from scanner.model import ApiCall, RemediationAction
from scanner.remediate.cli_text import cli_for

_WHOLE = re.compile(r"^\{([^{}!]+)\}$")


class _Formatter(string.Formatter):
    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion == "j":
            return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
        return super().convert_field(value, conversion)


_FORMATTER = _Formatter()
# A field's path: its first name and the (is attribute, key) steps after it, as
# ``string.Formatter.get_field`` walks them; None where get_field itself must run (a first
# name that is a number, a malformed field: get_field raises there what it always raised).
_Path = tuple[str, tuple[tuple[bool, Any], ...]] | None
# A template's parsed form: ("whole", field, path) for exactly one placeholder, ("parts",
# ((literal, field, path, spec, conversion)...)) for the plain case, ("vformat", None) for
# anything else (auto-numbered fields, nested specs), which str.format's own machinery renders.
_Parsed = tuple[Any, ...]


def _path(field: str) -> _Path:
    try:
        first, rest = _string.formatter_field_name_split(field)
        steps = tuple(rest)
    except ValueError:
        return None
    return (first, steps) if isinstance(first, str) else None


@functools.lru_cache(maxsize=4096)
def _parse(template: str) -> _Parsed:
    # The same templates render once per finding (tens of thousands at 100k resources):
    # parsing each once, fields included, is most of what rendering cost.
    whole = _WHOLE.match(template)
    if whole:
        return ("whole", whole.group(1), _path(whole.group(1)))
    try:
        parts = list(_FORMATTER.parse(template))
    except ValueError:
        return ("vformat", None)  # malformed: vformat raises the error it always raised
    for _, field, spec, _ in parts:
        nested = "{" in (spec or "") or "}" in (spec or "")
        if field is not None and (field == "" or field[0].isdigit() or nested):
            return ("vformat", None)
    return (
        "parts",
        tuple(
            (literal, field, None if field is None else _path(field), spec or "", conversion)
            for literal, field, spec, conversion in parts
        ),
    )


def _field(field: str, path: _Path, context: Mapping[str, Any]) -> Any:
    """``_FORMATTER.get_field(field, (), context)[0]``: the same lookups, in the same order,
    raising the same errors, without splitting the field again."""
    if path is None:
        return _FORMATTER.get_field(field, (), context)[0]
    first, steps = path
    obj = context[first]
    for is_attr, key in steps:
        obj = getattr(obj, key) if is_attr else obj[key]
    return obj


def render(value: Any, context: Mapping[str, Any]) -> Any:
    """Render a template value (string, list or mapping) against ``context``."""
    if isinstance(value, str):
        parsed = _parse(value)
        kind = parsed[0]
        if kind == "whole":
            return _field(parsed[1], parsed[2], context)
        if kind == "parts":
            # What string.Formatter.vformat does for these fields, without re-parsing.
            out = []
            for literal, field, path, spec, conversion in parsed[1]:
                if literal:
                    out.append(literal)
                if field is not None:
                    obj = _field(field, path, context)
                    if conversion is not None:
                        obj = _FORMATTER.convert_field(obj, conversion)
                    out.append(format(obj, spec))  # Formatter.format_field
            return "".join(out)
        return _FORMATTER.vformat(value, (), context)
    if isinstance(value, Mapping):
        return {str(render(k, context)): render(v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v, context) for v in value]
    return value


def remediation_actions(
    templates: tuple[Mapping[str, Any], ...], context: Mapping[str, Any]
) -> tuple[RemediationAction, ...]:
    """Every action of the templates, once, or once per element of their ``foreach`` list."""
    actions: list[RemediationAction] = []
    evidence = context.get("evidence", {})
    for template in templates:
        foreach = template.get("foreach")
        elements = evidence.get(foreach) or [] if foreach else [None]
        for element in elements:
            local = {**context, "item": element}
            api = template["api"]
            call = ApiCall(
                service=str(render(api["service"], local)),
                operation=str(render(api["operation"], local)),
                params=render(api["params"], local),
            )
            # The command line is generated from the API call, shell-quoted: the values come
            # from AWS (rule descriptions, names) and are written by whoever changed it, so a
            # template that pastes them between quotes could be broken out of. The metadata's
            # `cli` template documents the command; the finding's is always this one.
            actions.append(
                RemediationAction(
                    description=str(render(template["description"], local)),
                    cli=cli_for(call, str(context.get("region", ""))),
                    api=call,
                )
            )
    return tuple(actions)
