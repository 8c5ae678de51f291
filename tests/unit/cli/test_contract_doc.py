"""docs/contract.md documents exactly the options the click commands define, with their defaults.

Every command of the command line has a section (``### `netwarden ...` ``) whose table names
each option (and argument) once; "AWS options" stands for the shared table. Sections marked
``(planned)`` are the wave-2 commands not built yet: a command that exists must not be
documented only as planned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from scanner.cli import cli

DOC = Path(__file__).resolve().parents[3] / "docs" / "contract.md"
HEADING = re.compile(r"^#{2,3} ")
COMMAND_NAME = re.compile(r"`netwarden((?: [a-z][a-z-]*)*)`")
CODE = re.compile(r"`([^`]+)`")
OPTION = re.compile(r"(?<![\w-])(--?[a-z][a-z0-9-]*)")
HELP = {"-h", "--help"}


@dataclass(frozen=True)
class Row:
    names: frozenset[str]  # option strings, or an argument's name in capitals
    default: str | None  # the documented default, None when the cell is empty


@dataclass(frozen=True)
class Section:
    title: str
    commands: tuple[str, ...]  # command paths, e.g. ("baseline", "create")
    rows: tuple[Row, ...]
    planned: bool


def _cells(line: str) -> list[str]:
    # A table row; `\|` inside a code span is a literal bar, not a cell boundary.
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def _row(cells: list[str]) -> Row | None:
    first, default = cells[0], cells[1]
    if first in ("option", "---"):
        return None
    spans = CODE.findall(first)
    names = {n for span in spans for n in OPTION.findall(span.split(" ")[0])}
    names |= {span.rstrip(".") for span in spans if re.fullmatch(r"[A-Z_]+(\.\.\.)?", span)}
    documented = CODE.fullmatch(default)
    return Row(frozenset(names), documented.group(1) if documented else None)


def sections(text: str) -> Iterator[Section]:
    title, rows = "", []
    for line in [*text.splitlines(), "## end"]:
        if HEADING.match(line):
            if title:
                paths = tuple(m.strip() for m in COMMAND_NAME.findall(title))
                yield Section(title, paths, tuple(rows), "(planned)" in title)
            title, rows = line, []
        elif line.startswith("|") and title:
            cells = _cells(line)
            if len(cells) >= 3 and cells[0] == "AWS options":
                rows.append(Row(frozenset({"AWS options"}), None))
            elif len(cells) >= 3 and (row := _row(cells)) is not None:
                rows.append(row)


SECTIONS = list(sections(DOC.read_text(encoding="utf-8")))
AWS_ROWS = next(s.rows for s in SECTIONS if s.title == "## AWS options")


def _command(path: str) -> click.Command | None:
    command: click.Command | None = cli
    ctx = click.Context(cli)
    for name in path.split():
        if not isinstance(command, click.Group):
            return None
        command = command.get_command(ctx, name)
        if command is None:
            return None
    return command


def _leaf_paths(group: click.Group, prefix: str = "") -> Iterator[str]:
    """Every command that runs: each leaf, and each group that has options of its own
    (``flows`` runs queries itself; ``flows athena-ddl`` is its subcommand)."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        path = f"{prefix} {name}".strip()
        if isinstance(command, click.Group):
            if _defined(command):
                yield path
            yield from _leaf_paths(command, path)
        else:
            yield path


def _defined(command: click.Command) -> dict[frozenset[str], str | None]:
    """Each parameter's names and its default (None for a flag, or when there is none)."""
    defined: dict[frozenset[str], str | None] = {}
    for param in command.params:
        if isinstance(param, click.Argument):
            names = frozenset({(param.name or "").upper()})
        else:
            names = frozenset(param.opts + param.secondary_opts) - HELP
        if not names:
            continue
        default = param.to_info_dict()["default"]  # click's UNSET sentinel as None
        flag = isinstance(param, click.Option) and param.is_flag
        if default is None or flag or callable(default) or default == ():
            defined[names] = None
        else:
            defined[names] = str(default)
    return defined


def _documented(section: Section) -> dict[frozenset[str], str | None]:
    documented: dict[frozenset[str], str | None] = {}
    for row in section.rows:
        for each in AWS_ROWS if row.names == {"AWS options"} else (row,):
            assert each.names not in documented, f"{section.title}: {set(each.names)} twice"
            documented[each.names] = each.default
    return documented


BUILT = [(s, path) for s in SECTIONS if not s.planned for path in s.commands]


def test_the_document_has_sections_for_the_commands() -> None:
    assert len(BUILT) >= 14 and AWS_ROWS
    assert any(s.planned for s in SECTIONS)


@pytest.mark.parametrize(("section", "path"), BUILT, ids=[p or "netwarden" for _, p in BUILT])
def test_documented_options_are_the_defined_ones(section: Section, path: str) -> None:
    command = _command(path)
    assert command is not None, f"{section.title}: no command `netwarden {path}`"
    assert _documented(section) == _defined(command)


def test_every_command_is_documented() -> None:
    documented = {path for _, path in BUILT}
    assert set(_leaf_paths(cli)) <= documented


def test_no_built_command_is_documented_only_as_planned() -> None:
    planned = {path for s in SECTIONS if s.planned for path in s.commands}
    built = set(_leaf_paths(cli))
    assert not {p for p in planned if p in built}, "document it with its options table"


def test_the_check_sees_a_missing_or_wrong_option() -> None:
    """The comparison is not vacuous: one option dropped, or one default changed, differs."""
    section, path = next((s, p) for s, p in BUILT if p == "scan")
    command = _command(path)
    assert command is not None
    defined = _defined(command)
    documented = _documented(section)
    assert documented == defined
    fewer = dict(documented)
    fewer.pop(frozenset({"--engine"}))
    assert fewer != defined
    assert {**documented, frozenset({"--fail-on"}): "low"} != defined
