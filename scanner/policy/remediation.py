"""Remediation actions rendered from a policy's metadata templates and one finding.

Templates are ``str.format`` strings over ``account``, ``region``, ``resource_id``, ``arn``,
``resource`` (the raw item), ``evidence`` and, with ``foreach: KEY``, ``item`` (one element of
``evidence[KEY]``; one action per element). ``{x!j}`` renders ``x`` as compact JSON; an API
parameter that is exactly one ``{x}`` placeholder becomes the value itself (a list stays a
list), so ``IpPermissions: "{evidence[MatchedIpPermissions]}"`` passes the permissions through.
"""

from __future__ import annotations

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


def render(value: Any, context: Mapping[str, Any]) -> Any:
    """Render a template value (string, list or mapping) against ``context``."""
    if isinstance(value, str):
        whole = _WHOLE.match(value)
        if whole:
            return _FORMATTER.get_field(whole.group(1), (), context)[0]
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
