"""Baseline files: ``baselines/<account>/<region>.yaml``, written deterministically and read
back with the line of every resource, for error messages and for locating drift."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from scanner import gcpolicy, yamlio
from scanner.baseline.projection import is_projected, project, projection_of
from scanner.collect.collectors import COLLECTORS
from scanner.errors import InputError
from scanner.fileio import inside, read_input
from scanner.model import Location
from scanner.names import account_problem, region_problem
from scanner.snapshot import iter_regions, resources_of

TypeResources = dict[str, dict[str, dict[str, Any]]]  # {type: {id: fields}}
RegionKey = tuple[str, str]  # (account, region)

HEADER = """\
# netwarden baseline: the reviewed, known-good network state of account {account} in {region}.
# Written by `netwarden baseline create`; change it only through `netwarden baseline accept`
# (or by hand) in a pull request, so that every approved network change is reviewed.
# Anything in the live account that differs from this file is reported as drift.
"""


@dataclass(frozen=True)
class RegionBaseline:
    account: str
    region: str
    path: str
    resources: TypeResources
    lines: Mapping[tuple[Any, ...], int] = field(default_factory=dict)

    def locate(self, rtype: str, rid: str | None = None, *sub: Any) -> Location:
        """The line of a resource (or one of its entries), else its type's section, else the
        ``resources:`` key, else the top of the file."""
        candidates = [("resources", rtype, rid, *sub), ("resources", rtype, rid)] if rid else []
        candidates += [("resources", rtype), ("resources",)]
        for key in candidates:
            if key in self.lines:
                return Location(self.path, self.lines[key])
        return Location(self.path, 1)


def baseline_path(baseline_dir: str | Path, account: str, region: str) -> Path:
    """``<baseline_dir>/<account>/<region>.yaml``. Both names come from a snapshot, which is
    input: anything but an account id and a region name is refused, and the path must stay
    inside the directory."""
    problem = account_problem(account) or region_problem(region)
    if problem:
        raise InputError(f"no baseline path for {problem}", str(baseline_dir))
    return inside(baseline_dir, account, f"{region}.yaml")


def _canonical(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _canonical(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def render(account: str, region: str, resources: TypeResources) -> str:
    """The bytes of one baseline file: header, then types and ids sorted; same state, same bytes."""
    body = {
        "account": account,
        "region": region,
        "resources": {
            rtype: {
                rid: {key: _canonical(value) for key, value in fields.items()}
                for rid, fields in sorted(resources[rtype].items())
            }
            for rtype in sorted(resources)
        },
    }
    return HEADER.format(account=account, region=region) + yamlio.dump(body)


def project_snapshot(snapshot: Mapping[str, Any]) -> dict[RegionKey, TypeResources]:
    """The live state in baseline form, for every (account, region) and every type that was
    read (a type that could not be read is absent, never empty)."""
    out: dict[RegionKey, TypeResources] = {}
    for account, region, data in iter_regions(snapshot):
        types: TypeResources = {}
        for rtype, items in resources_of(data).items():
            if not is_projected(rtype):
                continue
            # is_live(), resource_id_of() and project() per item, in that order, with the
            # type's facts looked up once per type rather than three times per item; the
            # None values dropped by a Python loop only when there is one.
            projection = projection_of(rtype)
            id_key, fields_of, live = (
                COLLECTORS.get(rtype).id_key,
                projection.project,
                projection.is_live,
            )
            resources: dict[str, dict[str, Any]] = {}
            for item in items:
                if live(item):
                    rid = str(item[id_key])
                    fields = fields_of(item)
                    resources[rid] = (
                        {key: value for key, value in fields.items() if value is not None}
                        if None in fields.values()
                        else dict(fields)  # a copy all the same, as project() returns
                    )
            types[rtype] = resources
        out[(account, region)] = types
    return out


# Lines kept for drift: down to each resource (resources -> type -> id). Review locates
# changes inside a resource and keeps them all (line_depth=None).
RESOURCE_LINES = 3


def parse(
    text: str,
    path: str,
    account: str | None = None,
    region: str | None = None,
    line_depth: int | None = None,
) -> RegionBaseline:
    """Read and validate one baseline document; any problem is an InputError at file:line.

    ``line_depth`` limits the line index to paths of that many keys (all when None).
    """
    with gcpolicy.bulk_load():
        data, lines = yamlio.load_with_lines(text, path, line_depth)
    if not isinstance(data, dict):
        raise InputError("a baseline must be a mapping with account, region, resources", path, 1)
    for key, expected in (("account", account), ("region", region)):
        value = data.get(key)
        if value is None:
            raise InputError(f"missing '{key}'", path, 1)
        if expected is not None and str(value) != expected:
            raise InputError(
                f"'{key}' is {value!r} but the file is for {expected!r}", path, lines.get((key,), 1)
            )
    unknown = sorted(set(data) - {"account", "region", "resources"}, key=str)
    if unknown:
        raise InputError(f"unknown key {unknown[0]!r}", path, lines.get((unknown[0],), 1))
    resources = data.get("resources") or {}
    if not isinstance(resources, dict):
        raise InputError(
            "'resources' must be a mapping of type to resources", path, lines.get(("resources",), 1)
        )
    for rtype, entries in resources.items():
        line = lines.get(("resources", rtype), 1)
        if not is_projected(rtype):
            raise InputError(f"unknown resource type {rtype!r}", path, line)
        if entries is None:
            resources[rtype] = {}
            continue
        if not isinstance(entries, dict):
            raise InputError(f"{rtype} must map resource ids to fields", path, line)
        for rid, fields in entries.items():
            where = lines.get(("resources", rtype, rid), line)
            if not isinstance(rid, str):
                # YAML reads an unquoted 123 or true as a number or a boolean.
                raise InputError(
                    f"{rtype}: resource id {rid!r} is not a string (quote it)", path, where
                )
            if not isinstance(fields, dict):
                raise InputError(f"{rtype} {rid}: fields must be a mapping", path, where)
            _check_fields(rtype, rid, fields, path, lines)
    return RegionBaseline(str(data["account"]), str(data["region"]), path, resources, lines)


_SCALAR = (str, int, float, bool)


@cache
def _template(rtype: str) -> dict[str, Any]:
    """The fields a projection always writes, with their empty value: ``ingress: []``,
    ``tags: {}``, ``requester: {cidrs: []}``. Their kind is what every reader of a baseline
    (drift, revert plans, review's read-back) iterates over."""
    return project(rtype, {})


_SCALAR_TYPES = frozenset({str, int, float, bool, type(None)})


@cache
def _fast_spec(
    rtype: str,
) -> tuple[tuple[tuple[str, type], ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """(container fields and their type, rule lists and the keys each entry needs)."""
    kinds = tuple(
        (key, type(value))
        for key, value in _template(rtype).items()
        if isinstance(value, list | dict)
    )
    keyed = tuple(
        (key, _NACL_KEYS if rtype == "aws.network-acl" else _ENTRY_KEYS.get(key, ()))
        for key in projection_of(rtype).keyed_lists
    )
    return kinds, keyed


def _fields_look_right(rtype: str, fields: Mapping[str, Any]) -> bool:
    """The common case, fast (a baseline of 100k resources is read in every scan): True
    when every field is of its kind. False sends the resource through the checks below,
    which name the problem (or find none: an ACL entry's ``icmp`` mapping)."""
    kinds, keyed = _fast_spec(rtype)
    get = fields.get
    for key, kind in kinds:
        value = get(key, kind)
        if value is not kind and type(value) is not kind:
            return False
        if kind is dict and key != "tags" and value is not kind:
            return False  # a nested mapping (a peering side): the full check
    tags = get("tags")
    if tags is not None and (
        type(tags) is not dict or not set(map(type, tags.values())) <= _SCALAR_TYPES
    ):
        return False  # (a type whose projection has no tags: the full check decides)
    for key, required in keyed:
        for entry in get(key) or ():
            if type(entry) is not dict or not set(map(type, entry.values())) <= _SCALAR_TYPES:
                return False
            for name in required:
                if name not in entry:
                    return False
            if ("from_port" in entry) != ("to_port" in entry):
                return False
            for name in _INTEGERS:
                if type(entry.get(name, 0)) is not int:
                    return False
    return True


def _check_fields(
    rtype: str, rid: str, fields: Mapping[str, Any], path: str, lines: Mapping[Any, int]
) -> None:
    """A field of the wrong kind (``ingress: 5``) is this file's mistake, not drift."""
    if _fields_look_right(rtype, fields):
        return
    keyed = projection_of(rtype).keyed_lists
    for key, value in fields.items():
        at = ("resources", rtype, rid, key)
        problem = _kind_problem(str(key), value, _template(rtype).get(key), at, lines)
        if problem is None and key in keyed:
            problem = _entries_problem(rtype, str(key), value, at, lines)
        if problem:
            message, where = problem
            raise InputError(f"{rtype} {rid}: {message}", path, where)


def _kind_problem(
    name: str, value: Any, template: Any, at: tuple[Any, ...], lines: Mapping[Any, int]
) -> tuple[str, int] | None:
    line = _line(lines, at)
    if isinstance(template, list) and not isinstance(value, list):
        return f"{name} must be a list, not {type(value).__name__}", line
    if isinstance(template, dict):
        if not isinstance(value, dict):
            return f"{name} must be a mapping, not {type(value).__name__}", line
        for key, sub in value.items():
            if name == "tags" and not (isinstance(sub, _SCALAR) or sub is None):
                return f"{name}.{key} must be a string", _line(lines, (*at, key))
            inner = template.get(key)
            if inner is not None:
                problem = _kind_problem(f"{name}.{key}", sub, inner, (*at, key), lines)
                if problem:
                    return problem
    return None


# What reading an entry back into the API's shape (revert plans, review's read-back) needs.
_ENTRY_KEYS = {
    "ingress": ("protocol",),
    "egress": ("protocol",),
    "routes": ("destination", "target"),
}
_NACL_KEYS = ("rule_number", "protocol", "action")
_INTEGERS = ("rule_number", "from_port", "to_port")


def _entries_problem(
    rtype: str, name: str, entries: list[Any], at: tuple[Any, ...], lines: Mapping[Any, int]
) -> tuple[str, int] | None:
    """A rule list's entries are flat mappings (each field a scalar; an ACL entry's ``icmp``
    a mapping of them) with the keys the API needs, as the projection writes them."""
    required = _NACL_KEYS if rtype == "aws.network-acl" else _ENTRY_KEYS.get(name, ())
    for index, entry in enumerate(entries):
        line = _line(lines, (*at, index))
        if not isinstance(entry, dict):
            return f"{name}[{index}] must be a mapping, not {type(entry).__name__}", line
        missing = [key for key in required if key not in entry]
        if ("from_port" in entry) != ("to_port" in entry):
            missing.append("to_port" if "from_port" in entry else "from_port")
        if missing:
            return f"{name}[{index}] has no {missing[0]!r}", line
        for key, value in entry.items():
            where = _line(lines, (*at, index, key))
            if key == "icmp" and isinstance(value, dict):
                value = next((v for v in value.values() if not isinstance(v, _SCALAR)), 0)
            if not (isinstance(value, _SCALAR) or value is None):
                return f"{name}[{index}].{key} must be a string or a number", where
            if key in _INTEGERS and (type(value) is not int):
                return f"{name}[{index}].{key} must be an integer", where
    return None


def _line(lines: Mapping[Any, int], at: tuple[Any, ...]) -> int:
    for end in range(len(at), 0, -1):
        if at[:end] in lines:
            return lines[at[:end]]
    return 1


def _baseline_files(baseline_dir: str | Path) -> dict[RegionKey, Path]:
    """{(account, region): file} for every ``<account>/<region>.yaml`` under the directory
    (none when it does not exist); a YAML file outside that layout is an InputError."""
    root = Path(baseline_dir)
    if not root.is_dir():
        return {}
    stray = sorted(p for p in root.glob("*.y*ml"))
    if stray:
        raise InputError("baseline files belong in <account>/<region>.yaml", str(stray[0]), 1)
    return {(file.parent.name, file.stem): file for file in sorted(root.glob("*/*.y*ml"))}


def _read(file: Path, key: RegionKey, line_depth: int | None) -> RegionBaseline:
    text = read_input(file, "baseline")
    return parse(text, str(file), *key, line_depth=line_depth)


def parse_against(
    text: str, path: str, account: str, region: str, live: TypeResources
) -> RegionBaseline:
    """``parse(text, path, account, region, RESOURCE_LINES)``, where each entry that is byte
    for byte the rendering of its resource in ``live`` (that region's projected state) is
    that live resource, not parsed (:mod:`scanner.baseline.blocks`)."""
    from scanner.baseline import blocks

    found = blocks.read_against(text, path, account, region, live, _check_fields)
    if found is None:
        return parse(text, path, account, region, line_depth=RESOURCE_LINES)
    return RegionBaseline(account, region, path, *found)


def _read_against(file: Path, key: RegionKey, live: TypeResources) -> RegionBaseline:
    return parse_against(read_input(file, "baseline"), str(file), *key, live)


def load_dir(
    baseline_dir: str | Path, line_depth: int | None = None
) -> dict[RegionKey, RegionBaseline]:
    """Every ``<account>/<region>.yaml`` under the directory, parsed and validated now."""
    return {
        key: _read(file, key, line_depth) for key, file in _baseline_files(baseline_dir).items()
    }


class BaselineDir(Mapping[RegionKey, RegionBaseline]):
    """The baseline files of a directory, each parsed when it is looked up and not kept.

    Drift compares one (account, region) at a time, so only that region's parsed baseline is
    in memory, whatever the size of the estate; lines are kept down to each resource. Only
    the regions compared are read: a file for a region that was not collected is not
    checked here (``review`` checks every file).
    """

    def __init__(self, baseline_dir: str | Path, line_depth: int | None = RESOURCE_LINES):
        self._files = _baseline_files(baseline_dir)
        self._line_depth = line_depth

    def __getitem__(self, key: RegionKey) -> RegionBaseline:
        return _read(self._files[key], key, self._line_depth)

    def get(self, key: RegionKey, default: Any = None) -> Any:
        # Not Mapping.get: a KeyError raised while parsing must not read as "no file".
        return self[key] if key in self._files else default

    def get_against(self, key: RegionKey, live: TypeResources) -> RegionBaseline | None:
        """``get(key)`` for comparing with ``live`` (that region's projected state): the same
        baseline, where each entry that is byte for byte the rendering of its live resource
        is that live resource (so drift need not compare it) and is not parsed."""
        if key not in self._files:
            return None
        if self._line_depth != RESOURCE_LINES:
            return self[key]
        return _read_against(self._files[key], key, live)

    def __contains__(self, key: object) -> bool:
        return key in self._files

    def __iter__(self) -> Iterator[RegionKey]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


def write_all(
    baseline_dir: str | Path, regions: Iterable[tuple[RegionKey, TypeResources]]
) -> list[Path]:
    from scanner.fileio import write_text_atomic

    written = []
    for (account, region), resources in regions:
        path = baseline_path(baseline_dir, account, region)
        written.append(write_text_atomic(path, render(account, region, resources)))
    return written
