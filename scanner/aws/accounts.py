"""Which accounts to scan: --profile, --role-arn (repeatable) or --accounts FILE."""

from __future__ import annotations

import re
from pathlib import Path

from scanner.aws.session import AccountTarget
from scanner.errors import InputError
from scanner.names import account_problem
from scanner.yamlio import load_file_with_lines

ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
ACCOUNT_KEYS = {"name", "role_arn", "external_id", "profile", "account_id"}


def validate_role_arn(arn: str, path: str | None = None, line: int | None = None) -> str:
    if not ROLE_ARN.match(arn):
        raise InputError(f"not an IAM role ARN: {arn!r}", path, line)
    return arn


def targets_from_flags(
    profile: str | None, role_arns: tuple[str, ...], external_id: str | None
) -> list[AccountTarget]:
    """--role-arn is repeatable, one per account; --external-id applies to each of them."""
    if not role_arns:
        return [AccountTarget(profile=profile)]
    return [
        AccountTarget(role_arn=validate_role_arn(arn), external_id=external_id, profile=profile)
        for arn in role_arns
    ]


def targets_from_file(path: str | Path, default_profile: str | None) -> list[AccountTarget]:
    """Read an accounts file: a YAML list (or ``accounts:`` list) of
    ``{name, role_arn, external_id, profile}`` entries."""
    file = str(path)
    data, lines = load_file_with_lines(path)
    key: tuple[str, ...] = ()
    if isinstance(data, dict) and "accounts" in data:
        data, key = data["accounts"], ("accounts",)
    if not isinstance(data, list) or not data:
        raise InputError("expected a non-empty list of accounts", file, lines.get(key, 1))
    targets = []
    for index, entry in enumerate(data):
        line = lines.get((*key, index), 1)
        if not isinstance(entry, dict):
            raise InputError("each account must be a mapping", file, line)
        # key=str: YAML keys may be null, numbers or booleans, which do not sort together.
        unknown = sorted(set(entry) - ACCOUNT_KEYS, key=str)
        if unknown:
            raise InputError(
                f"unknown key {str(unknown[0])!r} (allowed: {', '.join(sorted(ACCOUNT_KEYS))})",
                file,
                lines.get((*key, index, unknown[0]), line),
            )
        for name in sorted(entry):
            _check_value(name, entry[name], file, lines.get((*key, index, name), line))
        role_arn = entry.get("role_arn")
        if role_arn is not None:
            validate_role_arn(str(role_arn), file, lines.get((*key, index, "role_arn"), line))
        if role_arn is None and entry.get("profile") is None:
            raise InputError("an account needs a role_arn or a profile", file, line)
        targets.append(
            AccountTarget(
                role_arn=role_arn,
                external_id=entry.get("external_id"),
                profile=entry.get("profile", default_profile),
                name=entry.get("name"),
            )
        )
    return targets


# What STS accepts as an ExternalId (AssumeRole's parameter pattern and length).
EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}")


def _check_value(name: str, value: object, file: str, line: int) -> None:
    """Each key's value as the API takes it: a wrong type would reach STS or a profile
    lookup and come back as an unreadable account (exit 3), not as this file's mistake."""
    if name == "account_id":
        # YAML reads an unquoted 123456789012 as a number; its digits are still the id.
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        problem = account_problem(text)
        if problem:
            raise InputError(f"account_id: {problem}", file, line)
        return
    if not isinstance(value, str):
        raise InputError(
            f"{name} must be a string, not {type(value).__name__} (quote it)", file, line
        )
    if name == "external_id" and not EXTERNAL_ID.fullmatch(value):
        raise InputError(
            "external_id must be 2 to 1224 of the characters STS accepts (letters, digits, "
            "and +=,.@:/-)",
            file,
            line,
        )
