"""Load and validate the rule pack: Custodian's own schema plus netwarden's ``metadata``.

Every error is an :class:`~scanner.errors.InputError` naming the file and the line of the
offending key, so ``netwarden policies validate`` prints ``path:line: message`` and exits 2.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from scanner.errors import InputError
from scanner.policy import validated
from scanner.policy.metadata import PolicyMetadata, metadata_problem, parse_metadata
from scanner.yamlio import LineIndex, load_with_lines

SUFFIXES = (".yml", ".yaml")
Memo = Literal["off", "record", "use"]


@dataclass(frozen=True)
class PolicyDef:
    """One Custodian policy of the pack, with where it is written."""

    name: str
    resource_type: str  # always provider-qualified, e.g. "aws.security-group"
    metadata: PolicyMetadata
    path: str
    line: int
    data: Mapping[str, Any] = field(repr=False)  # the policy exactly as written


@dataclass(frozen=True)
class PolicyPack:
    """Every policy of a directory, in file then document order, and a digest of the files."""

    directory: str
    policies: tuple[PolicyDef, ...]
    digest: str  # sha256 over the file names and bytes, for reports

    def __iter__(self) -> Iterator[PolicyDef]:
        return iter(self.policies)

    def __len__(self) -> int:
        return len(self.policies)

    def by_id(self, rule_id: str) -> PolicyDef:
        """The policy whose metadata id is ``rule_id``."""
        for policy in self.policies:
            if policy.metadata.id == rule_id:
                return policy
        raise KeyError(rule_id)


def qualified(resource: str) -> str:
    """Custodian allows ``security-group`` for ``aws.security-group``; we always qualify."""
    return resource if "." in resource else f"aws.{resource}"


def load_policy_pack(directory: str | Path, *, memo: Memo = "off") -> PolicyPack:
    """Load and validate every ``*.yml``/``*.yaml`` in ``directory`` (sorted by name).

    ``memo`` (:mod:`scanner.policy.validated`): with ``"record"`` a pack that passes is
    remembered; with ``"use"`` too, and a pack whose exact bytes already passed under this
    installation's code is read without validating it again, which is what lets
    ``policies list`` run without importing Cloud Custodian. The result is the same.
    """
    root = Path(directory)
    if not root.is_dir():
        raise InputError("policy directory not found", str(root))
    files = sorted(p for p in root.iterdir() if p.suffix in SUFFIXES and p.is_file())
    if not files:
        raise InputError("no *.yml or *.yaml policy files", str(root))
    digest = hashlib.sha256()

    def read() -> Iterator[tuple[Path, bytes]]:
        for file in files:
            raw = file.read_bytes()
            digest.update(file.name.encode() + b"\0" + raw + b"\0")
            yield file, raw

    contents: Iterable[tuple[Path, bytes]] = read()
    memo_key = None
    if memo != "off":  # the digest first: it names what may have passed before
        contents = list(contents)
        memo_key = validated.key(digest.hexdigest())
    checked = memo != "use" or memo_key is None or not validated.known(memo_key)
    if checked:
        import scanner.policy.filters  # noqa: F401  (netwarden's filters must be known to the schema)
    policies: list[PolicyDef] = []
    names: dict[str, str] = {}
    ids: dict[str, str] = {}
    for file, raw in contents:
        for policy in _load_file(file, raw, checked):
            where = f"{policy.path}:{policy.line}"
            if policy.name in names:
                raise InputError(
                    f"duplicate policy name {policy.name!r} (first at {names[policy.name]})",
                    policy.path,
                    policy.line,
                )
            if policy.metadata.id in ids:
                raise InputError(
                    f"duplicate metadata id {policy.metadata.id!r} "
                    f"(first at {ids[policy.metadata.id]})",
                    policy.path,
                    policy.line,
                )
            names[policy.name] = ids[policy.metadata.id] = where
            policies.append(policy)
    if checked and memo_key is not None:
        validated.remember(memo_key)
    return PolicyPack(str(root), tuple(policies), digest.hexdigest())


def _load_file(file: Path, raw: bytes, checked: bool = True) -> list[PolicyDef]:
    """The policies of one file; ``checked=False`` only for bytes that passed before."""
    path = str(file)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", path, 1) from None
    data, lines = load_with_lines(text, path)
    if not isinstance(data, dict) or not isinstance(data.get("policies"), list):
        raise InputError("expected a mapping with a 'policies' list", path, 1)
    if checked:
        _check_structure(data, lines, path)
        _check_schema(data, lines, path)
    result = []
    for index, pdata in enumerate(data["policies"]):
        line = lines.line_of(["policies", index])
        if checked:
            _check_policy(pdata, path, line, lines, index)
        result.append(
            PolicyDef(
                name=pdata["name"],
                resource_type=qualified(pdata["resource"]),
                metadata=parse_metadata(pdata["metadata"]),
                path=path,
                line=line,
                data=pdata,
            )
        )
    return result


def _check_policy(
    pdata: dict[str, Any], path: str, line: int, lines: LineIndex, index: int
) -> None:
    _check_custodian_policy(pdata, path, line, lines, index)
    problem = metadata_problem(pdata.get("metadata"))
    if problem:
        meta_path, message = problem
        at = (
            ["policies", index, "metadata", *meta_path]
            if pdata.get("metadata")
            else ["policies", index]
        )
        raise InputError(f"policy {pdata['name']!r}: {message}", path, lines.line_of(at))


def _one_line(text: str, limit: int = 400) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _check_structure(data: dict[str, Any], lines: LineIndex, path: str) -> None:
    from c7n.exceptions import PolicyValidationError
    from c7n.structure import StructureParser

    # Custodian's parser joins key names into its messages: a null or numeric key (a YAML
    # ``? `` line, ``1: x``) would be a TypeError there instead of this file's mistake.
    for key in data:
        if not isinstance(key, str):
            raise InputError(f"key {key!r} is not a name", path, lines.line_of([key]))
    for index, pdata in enumerate(data["policies"]):
        for key in pdata if isinstance(pdata, dict) else ():
            if not isinstance(key, str):
                where = lines.line_of(["policies", index, key])
                raise InputError(f"policy key {key!r} is not a name", path, where)
    parser = StructureParser()
    try:
        parser.validate({k: v for k, v in data.items() if k != "policies"} | {"policies": []})
    except PolicyValidationError as exc:
        raise InputError(_one_line(str(exc)), path, 1) from None
    for index, pdata in enumerate(data["policies"]):
        resource = pdata.get("resource") if isinstance(pdata, dict) else None
        # One type name per policy: Custodian's list form is not a policy netwarden runs,
        # and Custodian's own structure check crashes on a list holding a non-string.
        if isinstance(resource, list):
            where = lines.line_of(["policies", index, "resource"])
            raise InputError(
                f"policy {pdata.get('name')!r}: resource must be one type name, not a list",
                path,
                where,
            )
        try:
            parser.validate({"policies": [pdata]})
        except PolicyValidationError as exc:
            raise InputError(
                _one_line(str(exc)), path, lines.line_of(["policies", index])
            ) from None


@lru_cache(maxsize=8)
def _schema(resource_types: frozenset[str]) -> dict[str, Any]:
    from c7n import schema as c7n_schema
    from c7n.resources import load_resources

    load_resources(tuple(sorted(resource_types)))
    schema: dict[str, Any] = c7n_schema.generate(tuple(sorted(resource_types)))
    return schema


def _check_schema(data: dict[str, Any], lines: LineIndex, path: str) -> None:
    from c7n import schema as c7n_schema
    from c7n.resources import load_resources

    rtypes = frozenset(qualified(str(p.get("resource"))) for p in data["policies"])
    missing = load_resources(tuple(sorted(rtypes)))
    for index, pdata in enumerate(data["policies"]):
        if qualified(str(pdata.get("resource"))) in missing:
            raise InputError(
                f"policy {pdata.get('name')!r}: unknown resource type {pdata.get('resource')!r}",
                path,
                lines.line_of(["policies", index, "resource"]),
            )
    _check_collected(data, lines, path)
    errors = c7n_schema.validate(data, _schema(rtypes))
    if not errors:
        return
    error = errors[0]
    where = list(getattr(error, "absolute_path", []) or [])
    message = getattr(error, "message", None) or str(error)
    if getattr(error, "validator", None) == "additionalProperties":
        # Point at the unexpected key itself, not at the mapping that holds it.
        unexpected = re.findall(r"'([^']+)'", message.rsplit("(", 1)[-1])
        if unexpected and isinstance(error.instance, dict) and unexpected[0] in error.instance:
            where.append(unexpected[0])
    # Custodian prefixes "Error on policy:NAME resource:TYPE\n"; keep it on one line.
    raise InputError(_one_line(message), path, lines.line_of(where) if where else 1)


def _check_collected(data: dict[str, Any], lines: LineIndex, path: str) -> None:
    """A policy on a type netwarden does not collect could never find anything offline."""
    from scanner.collect.collectors import COLLECTORS

    evaluable = {*COLLECTORS, "aws.account"}
    for index, pdata in enumerate(data["policies"]):
        rtype = qualified(str(pdata.get("resource")))
        if rtype not in evaluable:
            raise InputError(
                f"policy {pdata.get('name')!r}: resource {rtype} is not in the snapshot "
                f"(netwarden collects {', '.join(sorted(evaluable))})",
                path,
                lines.line_of(["policies", index, "resource"]),
            )


def _check_custodian_policy(
    pdata: dict[str, Any], path: str, line: int, lines: LineIndex, index: int
) -> None:
    """What ``custodian validate`` does after the schema: each filter's own validate()."""
    import copy

    from c7n.config import Bag, Config
    from c7n.policy import Policy

    try:
        policy = Policy(
            copy.deepcopy(pdata), Config.empty(dryrun=True, account_id="na", region="na"), Bag()
        )
        policy.validate()
    except Exception as exc:  # Custodian raises many types here; all mean "invalid policy".
        registry = _filter_registry(pdata)
        where = _unknown_filter(pdata.get("filters", []), ["filters"], registry)
        at = lines.line_of(["policies", index, *where]) if where else line
        raise InputError(
            _one_line(f"policy {pdata.get('name')!r} is invalid: {exc}"), path, at
        ) from None


def _filter_registry(pdata: dict[str, Any]) -> Any:
    from c7n.provider import clouds

    provider, _, name = qualified(str(pdata.get("resource"))).partition(".")
    try:
        return clouds[provider]().get_resource_types([f"{provider}.{name}"])[0][0].filter_registry
    except (KeyError, IndexError, AttributeError):
        return None


_BOOLEAN = ("and", "or", "not")


def _unknown_filter(filters: Any, path: list[Any], registry: Any) -> list[Any] | None:
    """The path of the first filter whose ``type`` Custodian does not know, if any."""
    if registry is None or not isinstance(filters, list):
        return None
    for position, flt in enumerate(filters):
        if isinstance(flt, str):
            if flt not in registry and flt not in _BOOLEAN:
                return [*path, position]
            continue
        if not isinstance(flt, dict):
            continue
        for op in _BOOLEAN:
            if op in flt:
                found = _unknown_filter(flt[op], [*path, position, op], registry)
                if found:
                    return found
        kind = flt.get("type")
        if isinstance(kind, str) and kind not in registry and kind not in _BOOLEAN:
            return [*path, position, "type"]
    return None
