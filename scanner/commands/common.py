"""What the commands share: AWS options, collection with progress, error handling."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from scanner.errors import ExitCode, InputError

if TYPE_CHECKING:
    from scanner.aws.session import AccountTarget

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = ExitCode.BAD_INPUT) -> None:
    """Print one clear line to stderr and exit (no traceback)."""
    click.echo(f"netwarden: error: {message}", err=True)
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


def _parse_regions(value: str | None) -> tuple[str, ...] | None:
    if value is None or value.strip() in ("", "all"):
        return None
    regions = tuple(sorted({r.strip() for r in value.split(",") if r.strip()}))
    for region in regions:
        if not region.replace("-", "").isalnum():
            raise InputError(f"--regions: not a region name: {region!r}")
    return regions


def aws_options(func: F) -> F:
    """The AWS options every command that talks to AWS shares (CONTRACT.md)."""
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


def targets_for(
    profile: str | None,
    role_arns: tuple[str, ...],
    external_id: str | None,
    accounts_file: str | None,
) -> list[AccountTarget]:
    """The accounts to scan, from --accounts or from --profile/--role-arn."""
    from scanner.aws.accounts import targets_from_file, targets_from_flags

    if accounts_file:
        if role_arns:
            raise InputError("use either --accounts or --role-arn, not both")
        return targets_from_file(accounts_file, profile)
    return targets_from_flags(profile, role_arns, external_id)


def show_progress() -> bool:
    """A progress bar only for a person at a terminal (not with --quiet); CI logs stay quiet."""
    from scanner import console

    return sys.stderr.isatty() and not os.environ.get("CI") and not console.quiet()


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[tuple[Any, Any]]:
    if not enabled:
        yield None, None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from scanner.console import rich_console

    with Progress(
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
    ) as progress:
        task = progress.add_task("", total=None)

        def on_plan(total: int) -> None:
            progress.update(task, total=total)
            progress.refresh()

        def on_done(label: str) -> None:
            progress.update(task, advance=1, description=label)
            progress.refresh()

        yield on_plan, on_done


def run_collection(
    profile: str | None,
    regions: str | None,
    endpoint_url: str | None,
    role_arns: tuple[str, ...],
    external_id: str | None,
    accounts_file: str | None,
    max_workers: int,
    shard: str | None = None,
) -> dict[str, Any]:
    """Collect a snapshot with the shared AWS options."""
    from botocore.exceptions import NoCredentialsError, ProfileNotFound

    from scanner.aws.session import AwsContext
    from scanner.collect.runner import CollectOptions, collect
    from scanner.shard import in_shard, parse_shard

    chosen = parse_shard(shard)
    targets = [
        t
        for t in targets_for(profile, role_arns, external_id, accounts_file)
        if in_shard(t.account_hint or t.label, chosen)
    ]
    options = CollectOptions(
        regions=_parse_regions(regions), max_workers=max_workers, endpoint_url=endpoint_url
    )
    context = AwsContext(endpoint_url=endpoint_url, max_workers=max_workers)
    try:
        with _progress_bar(show_progress()) as (on_plan, on_done):
            return collect(targets, options, context, progress=on_done, on_plan=on_plan)
    except ProfileNotFound as exc:
        raise InputError(str(exc)) from None
    except NoCredentialsError:
        raise InputError(
            "no AWS credentials found: use --profile, --role-arn, --accounts, "
            "or the standard AWS environment variables"
        ) from None


def snapshot_option(func: F) -> F:
    return click.option(
        "--snapshot",
        "snapshot_path",
        type=click.Path(dir_okay=False),
        help="Use this snapshot instead of collecting from AWS.",
    )(func)


def baseline_dir_option(func: F) -> F:
    return click.option(
        "--baseline-dir", default="baselines", show_default=True, type=click.Path(file_okay=False)
    )(func)


def obtain_snapshot(snapshot_path: str | None, aws: dict[str, Any]) -> dict[str, Any]:
    """Read --snapshot, or collect one now with the AWS options."""
    from scanner import snapshot as snapshot_io
    from scanner.shard import filter_snapshot, parse_shard

    if snapshot_path:
        return filter_snapshot(snapshot_io.load(snapshot_path), parse_shard(aws.get("shard")))
    return run_collection(**aws)


FAIL_ON = ("critical", "high", "medium", "low", "info", "none")


def policies_option(func: F) -> F:
    return click.option(
        "--policies",
        "policies_dir",
        default="policies",
        show_default=True,
        type=click.Path(file_okay=False),
        help="The rule pack: a directory of Cloud Custodian policy files.",
    )(func)


def output_dir_option(func: F) -> F:
    return click.option(
        "-o",
        "--output-dir",
        default="reports",
        show_default=True,
        type=click.Path(file_okay=False),
        help="Where the reports are written.",
    )(func)


def fail_on_option(func: F) -> F:
    return click.option(
        "--fail-on",
        type=click.Choice(FAIL_ON),
        default="high",
        show_default=True,
        help="Exit 1 when a finding is at or above this severity.",
    )(func)
