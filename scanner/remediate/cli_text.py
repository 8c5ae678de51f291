"""One AWS CLI command line from one API call, so the two always describe the same action.

The CLI's options are the API's parameter names in kebab case; structured values are passed
as JSON (which the AWS CLI accepts for every structure and list parameter).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

from scanner.model import ApiCall, RemediationAction
from scanner.textsafe import shell_join

_CLI_SERVICE = {"cloudwatch": "cloudwatch", "ec2": "ec2", "cloudtrail": "cloudtrail"}
_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@functools.lru_cache(maxsize=2048)  # a handful of API names, once per finding each
def kebab(name: str) -> str:
    """``IpPermissions`` -> ``ip-permissions``; ``DescribeVpcs`` -> ``describe-vpcs``."""
    return _BOUNDARY.sub("-", name).lower()


def cli_for(call: ApiCall, region: str) -> str:
    parts = ["aws", _CLI_SERVICE.get(call.service, call.service), kebab(call.operation)]
    parts += ["--region", region]
    for name, value in call.params.items():
        option = f"--{kebab(name)}"
        if isinstance(value, bool):
            parts.append(option if value else f"--no-{kebab(name)}")
        elif isinstance(value, Mapping | list):
            parts += [option, json.dumps(value, sort_keys=True, separators=(",", ":"))]
        else:
            parts += [option, str(value)]
    # Each word quoted, control characters spelled as escapes: values come from AWS and
    # CloudTrail, written by whoever made the change.
    return shell_join(parts)


def action(
    description: str, service: str, operation: str, params: Mapping[str, Any], region: str
) -> RemediationAction:
    call = ApiCall(service, operation, dict(params))
    return RemediationAction(description=description, cli=cli_for(call, region), api=call)


def manual(description: str) -> RemediationAction:
    """A step no single API call can do (e.g. re-creating a resource under a new id)."""
    return RemediationAction(description=description, cli="", api=None)
