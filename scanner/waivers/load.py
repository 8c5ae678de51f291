"""Reading ``waivers.yaml``: every problem is an InputError at the file and line (exit 2).

The format (docs/contract.md)::

    waivers:
      - rule: NW-SG-005            # a rule id, drift/added|modified|removed, drift/* or *
        resource: sg-0abc*         # resource id, ARN, or a glob of either
        account: "123456789012"    # optional
        region: eu-west-1          # optional (a glob such as eu-* works too)
        reason: Default SG kept for a legacy appliance, ticket SEC-42
        owner: netops@example.com
        expires: 2027-03-31        # the last day it applies
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from scanner.errors import InputError
from scanner.waivers.model import ANY_DRIFT, ANY_RULE, DRIFT_RULE_IDS, Waiver
from scanner.yamlio import LineIndex, load_with_pyyaml

DEFAULT_FILE = "waivers.yaml"
REQUIRED = ("rule", "resource", "reason", "owner", "expires")
OPTIONAL = ("account", "region")
MAX_TEXT = {"reason": 2000, "owner": 320, "resource": 2048, "rule": 128}
MAX_BYTES = 10 * 1024 * 1024  # a waivers file is written by people; 10 MB is not one
ACCOUNT = re.compile(r"^\d{12}$")
REGION_PATTERN = re.compile(r"^[a-z0-9*?\[\]-]+$")


def load_waivers(path: str | os.PathLike[str], known_rules: Collection[str]) -> list[Waiver]:
    """Read and validate a waivers file; ``known_rules`` are the pack's rule ids."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"waivers file is {size} bytes (at most {MAX_BYTES})", str(file))
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read waivers: {exc.strerror}", str(file)) from None
    except UnicodeDecodeError:
        raise InputError("waivers file is not UTF-8 text", str(file), 1) from None
    return parse_waivers(text, str(file), known_rules)


def parse_waivers(text: str, file: str, known_rules: Collection[str]) -> list[Waiver]:
    """The waivers of a document (pure): ``[]`` for an empty file or an empty list."""
    data, lines = load_with_pyyaml(text, file)
    if data is None:
        return []
    if not isinstance(data, Mapping):
        raise InputError("expected a mapping with a 'waivers:' list", file, lines.line_of(()))
    for key in data:
        if key != "waivers":
            raise InputError(
                f"unknown top-level key {_name(key)} (expected 'waivers')",
                file,
                lines.line_of((key,)),
            )
    entries = data.get("waivers")
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise InputError("'waivers' must be a list", file, lines.line_of(("waivers",)))
    rules = frozenset(known_rules) | set(DRIFT_RULE_IDS) | {ANY_DRIFT, ANY_RULE}
    waivers: list[Waiver] = []
    seen: dict[tuple[Any, ...], int] = {}
    for index, entry in enumerate(entries):
        waiver = _waiver(entry, ("waivers", index), lines, file, rules)
        key = (waiver.rule, waiver.resource, waiver.account, waiver.region)
        if key in seen:
            raise InputError(
                f"duplicate waiver (same rule, resource, account and region as line {seen[key]})",
                file,
                waiver.line,
            )
        seen[key] = waiver.line
        waivers.append(waiver)
    return waivers


def _name(key: Any) -> str:
    return repr(key) if isinstance(key, str) else repr(str(key))


def _waiver(
    entry: Any, where: tuple[Any, ...], lines: LineIndex, file: str, rules: frozenset[str]
) -> Waiver:
    line = lines.line_of(where)
    if not isinstance(entry, Mapping):
        raise InputError("each waiver must be a mapping (rule, resource, reason, ...)", file, line)
    for key in entry:
        if key not in REQUIRED and key not in OPTIONAL:
            raise InputError(
                f"unknown key {_name(key)} in a waiver "
                f"(allowed: {', '.join((*REQUIRED, *OPTIONAL))})",
                file,
                lines.line_of((*where, key)),
            )
    for key in REQUIRED:
        if key not in entry or entry[key] is None or entry[key] == "":
            raise InputError(f"waiver has no {key!r} (required: {', '.join(REQUIRED)})", file, line)

    def at(key: str) -> int:
        return lines.line_of((*where, key))

    rule = _text(entry, "rule", at("rule"), file)
    if rule not in rules:
        raise InputError(
            f"unknown rule {rule!r}: not a rule of the policy pack, a drift kind "
            f"({', '.join(DRIFT_RULE_IDS)}), {ANY_DRIFT} or {ANY_RULE}",
            file,
            at("rule"),
        )
    resource = _text(entry, "resource", at("resource"), file)
    if rule == ANY_RULE and resource.strip("*") == "":
        raise InputError(
            "a waiver of every rule on every resource accepts everything: name a rule or a "
            "resource",
            file,
            line,
        )
    return Waiver(
        rule=rule,
        resource=resource,
        reason=_text(entry, "reason", at("reason"), file),
        owner=_text(entry, "owner", at("owner"), file),
        expires=_date(entry["expires"], at("expires"), file),
        path=file,
        line=line,
        account=_account(entry.get("account"), at("account"), file),
        region=_region(entry.get("region"), at("region"), file),
    )


def _text(entry: Mapping[Any, Any], key: str, line: int, file: str) -> str:
    value = entry[key]
    if not isinstance(value, str):
        raise InputError(f"{key!r} must be a string (quote it)", file, line)
    text = value.strip()
    if not text:
        raise InputError(f"{key!r} is empty", file, line)
    limit = MAX_TEXT[key]
    if len(text) > limit:
        raise InputError(f"{key!r} is longer than {limit} characters", file, line)
    return text


def _date(value: Any, line: int, file: str) -> dt.date:
    if isinstance(value, dt.datetime):  # a YAML timestamp: the day it falls on (UTC)
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(f"'expires' must be a date (YYYY-MM-DD), not {value!r}", file, line)


def _account(value: Any, line: int, file: str) -> str | None:
    if value is None:
        return None
    # YAML reads an unquoted 123456789012 as a number; twelve digits lose nothing.
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not ACCOUNT.match(text):
        raise InputError(
            f"'account' must be a 12-digit account id in quotes, not {value!r}", file, line
        )
    return text


def _region(value: Any, line: int, file: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or not REGION_PATTERN.match(value):
        raise InputError(
            f"'region' must be a region name such as eu-west-1 (or a glob), not {value!r}",
            file,
            line,
        )
    return value
