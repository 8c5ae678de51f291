"""Resource policies (a VPC endpoint's ``PolicyDocument``) that the IAM checks cannot read.

AWS returns the document as JSON text and whoever administers the endpoint writes it; a
snapshot file can hold anything. Custodian's cross-account checker assumes an IAM policy
(an object whose ``Statement`` is a statement or a list of them, with string or mapping
principals and mapping conditions) and raises out of the whole evaluation otherwise. An item
whose document is not one is evaluated without it (no policy finding can come from a policy
that cannot be read) and named in a warning: one bad item never fails the scan.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from scanner.snapshot import accounts_of, iter_regions, regions_in, resources_of
from scanner.textsafe import one_line

# The types whose items carry a resource policy, and the field that holds it.
POLICY_FIELDS = {"aws.vpc-endpoint": ("VpcEndpointId", "PolicyDocument")}
# Condition operators whose values the cross-account checker reads as strings (account ids,
# ARNs, org ids); it skips every other operator.
_READ_OPERATORS = (
    "StringEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "ArnEquals",
    "ArnLike",
    "IpAddress",
    "NotIpAddress",
)
_SCALAR = (str, bool, int, float)


def _texts(value: Any) -> bool:
    """A string, or a list of strings."""
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def _condition_problem(condition: Any, where: str) -> str | None:
    if not isinstance(condition, Mapping):
        return f"{where} is not a map of operators"
    for operator, keys in condition.items():
        if not isinstance(keys, Mapping):
            return f"{where}.{operator} is not a map of condition keys"
        read = operator in _READ_OPERATORS or operator.startswith(("ForAllValues", "ForAnyValue"))
        for key, value in keys.items():
            ok = (
                _texts(value)
                if read
                else isinstance(value, _SCALAR)
                or (isinstance(value, list) and all(isinstance(v, _SCALAR) for v in value))
            )
            if not ok:
                return f"{where}.{operator}.{key} is not a value or a list of values"
    return None


def _statement_problem(statement: Any, where: str) -> str | None:
    if not isinstance(statement, Mapping):
        return f"{where} is not an object"
    if not isinstance(statement.get("Effect"), str):
        return f"{where}.Effect is not a string"
    for key in ("Principal", "NotPrincipal"):
        principal = statement.get(key)
        if principal is None or _texts(principal):
            continue
        if not isinstance(principal, Mapping) or not all(_texts(v) for v in principal.values()):
            return f'{where}.{key} is neither "*" nor a map of principals'
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        value = statement.get(key)
        if value is not None and not _texts(value):
            return f"{where}.{key} is not a string or a list of strings"
    if "Condition" in statement:
        return _condition_problem(statement["Condition"], f"{where}.Condition")
    return None


def document_problem(document: Any) -> str | None:
    """Why ``document`` (JSON text or parsed) is not an IAM policy, or None when it is one
    (or absent: an endpoint without a policy document)."""
    if document is None:
        return None
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except (ValueError, RecursionError):
            return "not valid JSON"
    if not isinstance(document, Mapping):
        return "not a JSON object"
    statements = document.get("Statement", [])
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list):
        return "Statement is not a list"
    for index, statement in enumerate(statements):
        problem = _statement_problem(statement, f"Statement[{index}]")
        if problem is not None:
            return problem
    return None


def without_unreadable_policies(
    snapshot: Mapping[str, Any],
) -> tuple[Mapping[str, Any], tuple[dict[str, str], ...]]:
    """The snapshot as the policies should see it: an item whose resource policy cannot be
    read is given none; and one warning note per such item. The snapshot itself is returned
    (not copied) when nothing needs changing, the usual case."""
    bad: dict[tuple[str, str, str], set[int]] = {}
    notes: list[dict[str, str]] = []
    for account, region, data in iter_regions(snapshot):
        for rtype, (id_key, field) in POLICY_FIELDS.items():
            items = resources_of(data).get(rtype) or []
            for index, item in enumerate(items):
                if not isinstance(item, Mapping):
                    continue
                problem = document_problem(item.get(field))
                if problem is None:
                    continue
                bad.setdefault((account, region, rtype), set()).add(index)
                rid = one_line(item.get(id_key, f"#{index}"), 80)
                notes.append(
                    {
                        "kind": "unreadable-policy",
                        "message": f"{rtype} {rid} ({account}/{region}): its {field} cannot "
                        f"be read as an IAM policy ({problem}); its policy checks were skipped",
                    }
                )
    if not bad:
        return snapshot, ()
    return _replaced(snapshot, bad), tuple(notes)


def _replaced(
    snapshot: Mapping[str, Any], bad: Mapping[tuple[str, str, str], set[int]]
) -> dict[str, Any]:
    accounts: dict[str, Any] = {}
    for account, account_data in accounts_of(snapshot).items():
        regions: dict[str, Any] = {}
        for region, data in regions_in(account_data).items():
            resources = dict(resources_of(data))
            for rtype, (_, field) in POLICY_FIELDS.items():
                indexes = bad.get((account, region, rtype))
                if indexes:
                    resources[rtype] = [
                        {k: v for k, v in item.items() if k != field} if i in indexes else item
                        for i, item in enumerate(resources[rtype])
                    ]
            regions[region] = {**data, "resources": resources}
        accounts[account] = {**account_data, "regions": regions}
    return {**snapshot, "accounts": accounts}
