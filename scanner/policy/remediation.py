"""Remediation actions rendered from a policy's metadata templates and one finding.

Templates are ``str.format`` strings over ``account``, ``region``, ``resource_id``, ``arn``,
``resource`` (the raw item), ``evidence`` and, with ``foreach: KEY``, ``item`` (one element of
``evidence[KEY]``; one action per element). ``{x!j}`` renders ``x`` as compact JSON; an API
parameter that is exactly one ``{x}`` placeholder becomes the value itself (a list stays a
list), so ``IpPermissions: "{evidence[MatchedIpPermissions]}"`` passes the permissions through.
"""

from __future__ import annotations

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
# A template's parsed form: ("whole", field) for exactly one placeholder, ("parts", [(literal,
# field, spec, conversion)...]) for the plain case, ("vformat", None) for anything else
# (auto-numbered fields, nested specs), which str.format's own machinery renders.
_Parsed = tuple[str, Any]


@functools.lru_cache(maxsize=4096)
def _parse(template: str) -> _Parsed:
    # The same templates render once per finding (tens of thousands at 100k resources):
    # parsing each once is most of what rendering cost.
    whole = _WHOLE.match(template)
    if whole:
        return ("whole", whole.group(1))
    try:
        parts = list(_FORMATTER.parse(template))
    except ValueError:
        return ("vformat", None)  # malformed: vformat raises the error it always raised
    for _, field, spec, _ in parts:
        nested = "{" in (spec or "") or "}" in (spec or "")
        if field is not None and (field == "" or field[0].isdigit() or nested):
            return ("vformat", None)
    return ("parts", tuple(parts))


def render(value: Any, context: Mapping[str, Any]) -> Any:
    """Render a template value (string, list or mapping) against ``context``."""
    if isinstance(value, str):
        kind, parsed = _parse(value)
        if kind == "whole":
            return _FORMATTER.get_field(parsed, (), context)[0]
        if kind == "parts":
            # What string.Formatter.vformat does for these fields, without re-parsing.
            out = []
            for literal, field, spec, conversion in parsed:
                if literal:
                    out.append(literal)
                if field is not None:
                    obj = _FORMATTER.get_field(field, (), context)[0]
                    obj = _FORMATTER.convert_field(obj, conversion)
                    out.append(_FORMATTER.format_field(obj, spec or ""))
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
