"""What the commands share: AWS options, collection with progress, error handling."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from scanner.collect.aws_options import AwsOptions
from scanner.errors import ExitCode, InputError

if TYPE_CHECKING:
    from scanner.pipeline import Progress

F = TypeVar("F", bound=Callable[..., Any])
MAX_ERROR_CHARS = 4000


def fail(message: str, code: int = ExitCode.BAD_INPUT) -> None:
    """Print one clear line to stderr and exit (no traceback). An error quotes its input
    (a flow-log line in DuckDB's message, a plan's step): control characters are shown
    escaped, so no escape sequence from a file reaches the terminal."""
    from scanner.textsafe import one_line

    click.echo(f"netwarden: error: {one_line(message, MAX_ERROR_CHARS)}", err=True)
    raise click.exceptions.Exit(code)


def handle_input_errors(func: F) -> F:
    """Turn InputError into the contract's one-line message and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            fail(str(exc))

    return wrapper  # type: ignore[return-value]


def aws_options(func: F) -> F:
    """The AWS options every command that talks to AWS shares (docs/contract.md)."""
    options = [
        click.option("--profile", help="AWS profile to use (or to assume roles from)."),
        click.option(
            "--regions",
            default="all",
            show_default=True,
            help="'all' (every region enabled for the account) or a comma-separated list.",
        ),
        click.option(
            "--endpoint-url",
            envvar="AWS_ENDPOINT_URL",
            help="Custom AWS endpoint (also read from AWS_ENDPOINT_URL).",
        ),
        click.option(
            "--role-arn",
            "role_arns",
            multiple=True,
            help="Role to assume, one per account (repeatable).",
        ),
        click.option("--external-id", help="External id for --role-arn."),
        click.option(
            "--accounts",
            "accounts_file",
            type=click.Path(dir_okay=False),
            help="YAML list of accounts: {name, role_arn, external_id, profile}.",
        ),
        click.option(
            "--organization",
            is_flag=True,
            default=False,
            help="Scan every ACTIVE account of the AWS Organization (from the management or "
            "delegated-admin account), each through --org-role-name.",
        ),
        click.option(
            "--org-role-name",
            default="netwarden-audit",
            show_default=True,
            help="With --organization: the role assumed in each account.",
        ),
        click.option(
            "--exclude-accounts",
            metavar="ID,...",
            help="With --organization: account ids not to scan (comma-separated).",
        ),
        click.option(
            "--shard",
            help="K/N: scan only this machine's share of the accounts (stable assignment).",
        ),
        click.option(
            "--max-workers",
            type=click.IntRange(1, 256),
            default=16,
            show_default=True,
            help="API calls in flight at once (threads over account x region x type, shared "
            "out between the worker processes).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def aws_request(aws: dict[str, Any]) -> AwsOptions:
    """The shared AWS options, as the click keyword arguments of :func:`aws_options` give
    them, as data for the collection and the pipeline."""
    return AwsOptions.from_flags(**aws)


def show_progress() -> bool:
    """A progress bar only for a person at a terminal (not with --quiet); CI logs stay quiet."""
    from scanner import console

    return sys.stderr.isatty() and not os.environ.get("CI") and not console.quiet()


class CollectionBar:
    """The pipeline's progress callback for a person at a terminal: a bar while collecting,
    gone when collection ends (or the command fails); nothing when ``enabled`` is false."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._progress: Any = None
        self._task: Any = None

    def __call__(self, event: Progress) -> None:
        if not self._enabled:
            return
        if event.stage != "collect":
            if event.stage != "read_snapshot":
                self.close()
            return
        if self._progress is None:
            self._start()
        self._progress.update(
            self._task, total=event.total, completed=event.done, description=event.detail
        )
        self._progress.refresh()

    def _start(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as Bar

        from scanner.console import rich_console

        self._progress = Bar(
            TextColumn("[bold]collecting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            transient=True,
            # Redrawn on each update, with no refresh thread: collection forks worker
            # processes, and a thread holding stderr's lock at that moment would hang them.
            auto_refresh=False,
            console=rich_console(sys.stderr),
        )
        self._progress.start()
        self._task = self._progress.add_task("", total=None)

    def close(self) -> None:
        """Take the bar off the terminal; idempotent."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


@contextmanager
def progress_display() -> Iterator[CollectionBar]:
    """A progress callback for the pipeline, shown only at a terminal, always cleaned up."""
    bar = CollectionBar(show_progress())
    try:
        yield bar
    finally:
        bar.close()


def run_collection(**aws: Any) -> dict[str, Any]:
    """Collect a snapshot with the shared AWS options (a progress bar at a terminal)."""
    from scanner.pipeline import obtain_snapshot

    with progress_display() as bar:
        return obtain_snapshot(None, aws_request(aws), bar)


def snapshot_option(func: F) -> F:
    return click.option(
        "--snapshot",
        "snapshot_path",
        type=click.Path(dir_okay=False),
        help="Use this snapshot instead of collecting from AWS.",
    )(func)


def baseline_dir_option(func: F) -> F:
    return click.option(
        "--baseline-dir",
        default="baselines",
        show_default=True,
        type=click.Path(file_okay=False),
        help="The reviewed baseline: <account>/<region>.yaml files.",
    )(func)


def obtain_snapshot(snapshot_path: str | None, aws: dict[str, Any]) -> dict[str, Any]:
    """Read --snapshot, or collect one now with the AWS options."""
    from scanner.pipeline import obtain_snapshot as obtain

    with progress_display() as bar:
        return obtain(snapshot_path, aws_request(aws), bar)


FAIL_ON = ("critical", "high", "medium", "low", "info", "none")


PACK_META = "netwarden.pack"  # ctx.meta key: the scanner.pack.PackChoice a command uses


def _choose_pack(ctx: click.Context, _param: click.Parameter, value: str | None) -> str:
    from scanner.pack import choose

    try:
        choice = choose(value)
    except InputError as exc:
        raise click.BadParameter(str(exc)) from None
    ctx.meta[PACK_META] = choice
    return choice.path


def policies_option(func: F) -> F:
    """``--policies DIR``: given, else ``./policies`` when it exists, else the installed pack."""
    return click.option(
        "--policies",
        "policies_dir",
        default=None,
        callback=_choose_pack,
        type=click.Path(file_okay=False),
        help="The rule pack: a directory of Cloud Custodian policy files "
        "[default: ./policies when it exists, else the pack installed with netwarden].",
    )(func)


# The one rule for -o and --format (docs/contract.md, "Output and formats"):
# --format chooses the format(s) of what a command produces, always a comma-separated list
# drawn from that command's set; a command that prints one document accepts exactly one.
# -o/--output says where that goes: a file for one document, a directory for a report set.
OUTPUT_META = "netwarden.output"  # click param attribute: "file" or "dir"


class FormatList(click.ParamType):
    """``--format``: a comma-separated list of names from ``choices``; with ``single``, exactly
    one (the value is then that name, else a tuple in the order given, without repeats).

    Every command parses it here, so a wrong value fails with the same message everywhere."""

    name = "format"

    def __init__(self, choices: Sequence[str], single: bool) -> None:
        self.choices = tuple(choices)
        self.single = single

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "|".join(self.choices) if self.single else "LIST"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple) or (self.single and value in self.choices):
            return value
        names: list[str] = []
        for raw in str(value).split(","):
            name = raw.strip().lower()
            if name and name not in names:
                names.append(name)
        known = ", ".join(self.choices)
        for name in names:
            if name not in self.choices:
                self.fail(f"unknown format {name!r} (choose from: {known})", param, ctx)
        if not names:
            self.fail(f"no format given (choose from: {known})", param, ctx)
        if self.single:
            if len(names) > 1:
                self.fail(
                    f"{len(names)} formats given, this command prints one document "
                    f"(choose one of: {known})",
                    param,
                    ctx,
                )
            return names[0]
        return tuple(names)


def format_option(
    choices: Sequence[str], default: str | Sequence[str], help_text: str, *, single: bool
) -> Callable[[F], F]:
    """``--format``: one of ``choices`` (``single``: the keyword ``output_format``, a str) or
    a comma-separated list of them (the keyword ``formats``, a tuple)."""
    shown = default if isinstance(default, str) else ",".join(default)
    rule = "exactly one of" if single else "a comma-separated list of"
    return click.option(
        "--format",
        "output_format" if single else "formats",
        type=FormatList(choices, single),
        default=shown,
        show_default=True,
        help=f"{help_text} {rule.capitalize()}: {', '.join(choices)}.",
    )


def _tag(option: Callable[[F], F], kind: str) -> Callable[[F], F]:
    """Mark the -o option with what it names (a test checks each command against the rule)."""

    def decorate(func: F) -> F:
        func = option(func)
        params = getattr(func, "__click_params__", [])
        setattr(params[-1], OUTPUT_META, kind)
        return func

    return decorate


def output_file_option(default: str | None, help_text: str) -> Callable[[F], F]:
    """``-o/--output FILE``: the one document a command produces goes to this file (written
    atomically), instead of stdout when there is no default (keyword ``output``)."""
    return _tag(
        click.option(
            "-o",
            "--output",
            "output",
            default=default,
            show_default=default is not None,
            type=click.Path(dir_okay=False),
            help=help_text,
        ),
        "file",
    )


def output_dir_option(default: str = "reports", help_text: str = "") -> Callable[[F], F]:
    """``-o/--output DIR`` (``--output-dir`` kept as its old name): where a command's set of
    reports goes (keyword ``output_dir``)."""
    return _tag(
        click.option(
            "-o",
            "--output",
            "--output-dir",
            "output_dir",
            default=default,
            show_default=True,
            metavar="DIR",
            type=click.Path(file_okay=False),
            help=help_text or "Directory the reports are written to (created when missing).",
        ),
        "dir",
    )


def emit(document: str, output: str | None) -> None:
    """The one document a command produces: to ``output`` (atomically) or to stdout."""
    if output is None:
        click.echo(document, nl=False)
        return
    from scanner import console
    from scanner.fileio import write_text_atomic

    try:
        write_text_atomic(output, document)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", output) from None
    console.note(f"wrote {output}")


def fail_on_option(func: F) -> F:
    return click.option(
        "--fail-on",
        type=click.Choice(FAIL_ON),
        default="high",
        show_default=True,
        help="Exit 1 when a finding is at or above this severity.",
    )(func)


def _check_category(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    from scanner.report.run import CATEGORY_PATTERN

    if value is not None and not CATEGORY_PATTERN.fullmatch(value.rstrip("/")):
        raise click.BadParameter(
            f"{value!r}: letters, digits, '.', '_', '-' and '/' only, starting with a letter "
            "or digit"
        )
    return value.rstrip("/") if value else value


def category_option(default: str | None, help_text: str) -> Callable[[F], F]:
    """``--category NAME``: the SARIF ``automationDetails.id`` (``NAME/``), GitHub's analysis
    category; stable across runs whatever the accounts scanned."""

    def decorate(func: F) -> F:
        return click.option(
            "--category",
            default=default,
            show_default=default is not None,
            callback=_check_category,
            help=help_text,
        )(func)

    return decorate


def waivers_option(func: F) -> F:
    """``--waivers F``: the accepted risks; default ``./waivers.yaml`` when it exists."""
    return click.option(
        "--waivers",
        "waivers_path",
        type=click.Path(dir_okay=False),
        help="Waivers file (accepted risks, each with reason, owner and expiry) "
        "[default: ./waivers.yaml when it exists].",
    )(func)


def waivers_file(option: str | None) -> str | None:
    """The waivers file a command reads: ``--waivers F`` (it must exist), else
    ``./waivers.yaml`` when there is one, else none."""
    from scanner.waivers import DEFAULT_FILE

    if option:
        return option
    return DEFAULT_FILE if os.path.isfile(DEFAULT_FILE) else None


def warn_about_waivers(outcome: Any) -> None:
    """One warning per expired or stale waiver (a ``WaiverOutcome``), on stderr."""
    from scanner.textsafe import one_line

    if outcome is None:
        return
    for lapsed in outcome.expired:
        waiver = lapsed.waiver
        click.echo(
            f"netwarden: warning: {waiver.path}:{waiver.line}: waiver expired on "
            f"{waiver.expires.isoformat()}; {len(lapsed.findings)} finding(s) count again",
            err=True,
        )
    for waiver in outcome.stale:
        click.echo(
            f"netwarden: warning: {waiver.path}:{waiver.line}: waiver matches no finding "
            f"(stale): {one_line(waiver.rule)} on {one_line(waiver.resource)}",
            err=True,
        )


def print_notes(notes: Any) -> None:
    """The scan's coverage notes (unbaselined regions, a failed notification), on stderr."""
    from scanner.textsafe import one_line

    for note in notes:
        # A notification that was not sent is a warning: someone was not told; so is a trail
        # that could not be read: a change may be missing who made it.
        warn = note.get("kind") in ("notification-failed", "attribution-gap", "unreadable-policy")
        level = "warning" if warn else "note"
        message = one_line(str(note.get("message", "")), 2000)
        click.echo(f"netwarden: {level}: {message}", err=True)


def security_hub_line(report: Any) -> str:
    """``imported 12 finding(s) into Security Hub (3 archived as resolved) in 2 call(s)``"""
    failed = sum(int(f["count"]) for f in report["failed"])
    tail = f"; {failed} failed (see the coverage notes)" if failed else ""
    return (
        f"imported {report['imported']} finding(s) into Security Hub "
        f"({report['archived']} archived as resolved) in {report['calls']} call(s){tail}"
    )
