"""docs/contract.md documents exactly the options the click commands define, with their defaults.

Every command of the command line has a section (``### `netwarden ...` ``) whose table names
each option (and argument) once; "AWS options" stands for the shared table. Sections marked
``(planned)`` are the wave-2 commands not built yet: a command that exists must not be
documented only as planned.

Every command's ``-o`` and ``--format`` also follow the one rule the document states
("Output and formats"): ``--format`` is parsed by one type (a comma list, exactly one name for
a command that prints one document), ``-o``/``--output`` is a FILE for one document and a DIR
for a set of reports, and the tables say the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest

from scanner.cli import cli, run
from scanner.commands.common import OUTPUT_META, FormatList

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
    spec: str = field(default="", compare=False)  # the first cell, e.g. `-o`, `--output FILE`


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
    return Row(frozenset(names), documented.group(1) if documented else None, first)


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


# -- the one rule for -o and --format -------------------------------------------------------


def _option(command: click.Command, name: str) -> click.Option | None:
    return next((p for p in command.params if isinstance(p, click.Option) and name in p.opts), None)


def rule_violations(command: click.Command) -> list[str]:
    """What in ``command``'s -o and --format breaks the rule; empty when it follows it."""
    problems = []
    out, fmt = _option(command, "-o"), _option(command, "--format")
    kind = getattr(out, OUTPUT_META, None) if out is not None else None
    if out is not None:
        if "--output" not in out.opts:
            problems.append("-o is not also --output")
        if kind not in ("file", "dir"):
            problems.append("-o is not made by output_file_option/output_dir_option")
        elif not isinstance(out.type, click.Path):
            problems.append("-o is not a path")
        elif kind == "file" and (out.type.dir_okay or not out.type.file_okay):
            problems.append("-o names one document but does not take a FILE")
        elif kind == "dir" and (out.type.file_okay or not out.type.dir_okay):
            problems.append("-o names a set of reports but does not take a DIR")
    if fmt is not None:
        if not isinstance(fmt.type, FormatList):
            problems.append("--format is not parsed by FormatList")
        elif fmt.type.single and kind != "file":
            problems.append("--format prints one document but -o is not a FILE")
        elif not fmt.type.single and kind != "dir":
            problems.append("--format is a list of reports but -o is not a DIR")
    return problems


LEAVES = sorted(_leaf_paths(cli))


@pytest.mark.parametrize("path", LEAVES)
def test_output_and_format_follow_the_rule(path: str) -> None:
    command = _command(path)
    assert command is not None
    assert rule_violations(command) == []


@pytest.mark.parametrize(("section", "path"), BUILT, ids=[p or "netwarden" for _, p in BUILT])
def test_the_tables_say_file_or_dir_and_the_formats_as_the_command(
    section: Section, path: str
) -> None:
    command = _command(path)
    assert command is not None
    rows = {name: row for row in section.rows for name in row.names}
    out, fmt = _option(command, "-o"), _option(command, "--format")
    if out is not None:
        placeholder = "FILE" if getattr(out, OUTPUT_META) == "file" else "DIR"
        assert f"--output {placeholder}`" in rows["-o"].spec, section.title
    if fmt is not None:
        assert isinstance(fmt.type, FormatList)
        spec = rows["--format"].spec
        if fmt.type.single:
            assert f"`--format {'|'.join(fmt.type.choices)}`" in spec, section.title
        else:
            assert "`--format LIST`" in spec, section.title


def test_the_rule_check_sees_a_command_that_breaks_it() -> None:
    """Not vacuous: a report directory with a one-name --format, a -o FILE with a list, a
    --format that is a plain choice, and an -o without --output are each caught."""
    from scanner.commands.common import format_option, output_dir_option, output_file_option

    def build(*decorators: object) -> click.Command:
        def body(**_: object) -> None: ...

        for decorate in reversed(decorators):
            body = decorate(body)  # type: ignore[operator]
        return click.command("x")(body)

    single = format_option(("text", "json"), "text", "d.", single=True)
    many = format_option(("sarif", "json"), "sarif", "d.", single=False)
    assert rule_violations(build(output_file_option(None, "d."), single)) == []
    assert rule_violations(build(output_dir_option("r", "d."), many)) == []
    assert rule_violations(build(output_dir_option("r", "d."), single))
    assert rule_violations(build(output_file_option(None, "d."), many))
    assert rule_violations(build(single))  # one document, and nowhere but stdout for it
    choice = click.option("--format", type=click.Choice(["text"]), help="d.")
    assert rule_violations(build(output_file_option(None, "d."), choice))
    plain = click.option("-o", "out", type=click.Path(dir_okay=False), help="d.")
    assert rule_violations(build(plain))


FORMATTED = [p for p in LEAVES if (c := _command(p)) is not None and _option(c, "--format")]


@pytest.mark.parametrize("path", FORMATTED)
def test_a_wrong_format_fails_the_same_way_everywhere(
    path: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exit 2 before any work, nothing written, one message shape for every command."""
    monkeypatch.chdir(tmp_path)
    command = _command(path)
    assert command is not None
    fmt = _option(command, "--format")
    assert fmt is not None and isinstance(fmt.type, FormatList)
    choices = ", ".join(fmt.type.choices)
    args = path.split()
    extra = ["DIR"] if path == "report merge" else []  # its required argument
    assert run([*args, "--format", "nope", *extra]) == 2
    err = capsys.readouterr().err
    assert f"Invalid value for '--format': unknown format 'nope' (choose from: {choices})" in err
    if fmt.type.single:  # (a list of two known names is valid: that would run the command)
        two = ",".join(fmt.type.choices[:2])
        assert run([*args, "--format", two, *extra]) == 2
        err = capsys.readouterr().err
        assert (
            "Invalid value for '--format': 2 formats given, this command prints one document "
            f"(choose one of: {choices})"
        ) in err
    assert list(tmp_path.iterdir()) == []


def test_the_format_list_keeps_order_and_drops_repeats() -> None:
    many = FormatList(("sarif", "markdown", "json", "html"), single=False)
    assert many.convert("JSON, sarif,json,", None, None) == ("json", "sarif")
    with pytest.raises(click.BadParameter, match="no format given"):
        many.convert(",", None, None)
    one = FormatList(("text", "json"), single=True)
    assert one.convert("json,JSON", None, None) == "json"
