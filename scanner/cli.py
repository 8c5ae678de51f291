"""The `netwarden` command line (docs/contract.md).

Subcommands are imported when they run (``scanner.lazycli``), so ``netwarden --help`` and
the commands that need neither boto3 nor Cloud Custodian start fast.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from scanner import console, gcpolicy, interrupts
from scanner.errors import ExitCode
from scanner.lazycli import LazyCommand, LazyGroup
from scanner.textsafe import one_line

# name -> where the command lives, and its one-line help (checked equal to the command's own).
COMMANDS: dict[str, LazyCommand] = {
    "baseline": LazyCommand(
        "scanner.commands.drift:baseline_group",
        "Create and update the known-good baseline in baselines/.",
    ),
    "collect": LazyCommand(
        "scanner.commands.collect:collect_command",
        "Collect network state (all types, all regions, all accounts) into a snapshot.",
    ),
    "demo": LazyCommand(
        "scanner.commands.demo:demo_command",
        "Run the embedded end-to-end demo (no AWS account needed).",
    ),
    "diff": LazyCommand(
        "scanner.commands.drift:diff_command",
        "Show drift from the baseline; exit 1 when there is drift.",
    ),
    "exposure": LazyCommand(
        "scanner.commands.exposure:exposure_command",
        "What the internet reaches: interfaces, ports, sources and paths; exit 1 off-approved.",
    ),
    "flows": LazyCommand(
        "scanner.commands.flows:flows_group",
        "Query VPC Flow Logs with the playbook's named queries (DuckDB or Athena).",
    ),
    "init": LazyCommand(
        "scanner.commands.init:init_command",
        "Scaffold a repository to run netwarden in GitHub: nightly scan and PR review.",
    ),
    "policies": LazyCommand("scanner.commands.policies:policies", "Check and list the rule pack."),
    "remediate": LazyCommand(
        "scanner.commands.remediate:remediate_command",
        "Remediation plan for drift and violations; --apply executes it.",
    ),
    "report": LazyCommand("scanner.commands.report:report_group", "Work with report sets."),
    "review": LazyCommand(
        "scanner.commands.review:review_command",
        "Pull-request check: what a change to baselines/ does, located at file:line.",
    ),
    "scan": LazyCommand(
        "scanner.commands.scan:scan_command",
        "The whole pipeline: collect (or --snapshot), diff, evaluate, report.",
    ),
}


# A closed stdout (`netwarden diff | head -1`): the code a shell shows for a process killed
# by SIGPIPE, not 1 ("findings").
BROKEN_PIPE = 128 + 13

_debug: list[bool] = [False]  # set by --debug, read by run() once the command has ended


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        _debug[0] = True


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """click's ``version_option``, with the version read without importing importlib.metadata
    (``scanner._version``: ~40 ms of a ~100 ms ``netwarden --version``)."""
    if not value or ctx.resilient_parsing:
        return
    from scanner import __version__

    click.echo(f"netwarden, version {__version__}", color=ctx.color)
    ctx.exit()


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only results, warnings and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print more detail on stderr.")
@click.option(
    "--no-color",
    is_flag=True,
    help="No colour in terminal output (also when NO_COLOR is set).",
)
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_set_debug,
    help="On an internal error, print the traceback (also NETWARDEN_DEBUG=1).",
)
def cli(quiet: bool, verbose: bool, no_color: bool) -> None:
    """netwarden: policy-as-code compliance and drift detection for AWS networks."""
    console.configure(quiet=quiet, verbose=verbose, no_color=no_color)


def debug_enabled() -> bool:
    """--debug was given, or NETWARDEN_DEBUG is set to anything but empty/0/false/no."""
    env = os.environ.get("NETWARDEN_DEBUG", "").strip().lower()
    return _debug[0] or env not in ("", "0", "false", "no")


def _internal_error(exc: BaseException) -> int:
    """A bug: one line (the traceback only when debugging), and exit code 4 -- never 0, 1
    or 3, which a CI job would read as a verdict on the accounts."""
    if debug_enabled():
        traceback.print_exception(exc, file=sys.stderr)
    detail = one_line(str(exc), 300)
    hint = "" if debug_enabled() else " (rerun with --debug for the traceback)"
    click.echo(
        f"netwarden: internal error: {type(exc).__name__}{': ' + detail if detail else ''}{hint}",
        err=True,
    )
    return int(ExitCode.INTERNAL)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code (the contract's, and 130/143 for
    SIGINT/SIGTERM); nothing but a code leaves this function."""
    args = _take_debug_flag(list(sys.argv[1:] if argv is None else argv))
    try:
        code: Any = cli.main(args=args, prog_name="netwarden", standalone_mode=False)
    except click.exceptions.Abort as exc:
        if interrupts.is_interrupt(exc):
            click.echo("netwarden: interrupted", err=True)
            return interrupts.exit_code_of(exc)
        click.echo("Aborted!", err=True)  # a confirmation was declined
        return int(ExitCode.FINDINGS)
    except click.exceptions.ClickException as exc:  # bad flags and arguments
        exc.show()
        return int(ExitCode.BAD_INPUT)
    except (KeyboardInterrupt, interrupts.Terminated) as exc:
        click.echo("netwarden: interrupted", err=True)
        return interrupts.exit_code_of(exc)
    except SystemExit as exc:
        if _broken_pipe(exc):
            return BROKEN_PIPE
        return exc.code if isinstance(exc.code, int) else int(ExitCode.INTERNAL)
    except BrokenPipeError:
        return BROKEN_PIPE
    except Exception as exc:
        return _internal_error(exc)
    return code if isinstance(code, int) else int(ExitCode.OK)


def _take_debug_flag(args: list[str]) -> list[str]:
    """``--debug`` is accepted anywhere before ``--`` (``netwarden scan ... --debug``), not
    only before the command, so a failing command line is rerun by appending it."""
    end = args.index("--") if "--" in args else len(args)
    if "--debug" in args[:end]:
        _debug[0] = True
        return [a for a in args[:end] if a != "--debug"] + args[end:]
    return args


def _broken_pipe(exc: BaseException) -> bool:
    # click exits 1 (our "findings") when stdout is a closed pipe.
    context = exc.__context__
    return isinstance(context, OSError) and context.errno == errno.EPIPE


def without_xray() -> None:
    """Mark the AWS X-Ray SDK absent in this process: netwarden never traces to X-Ray, and
    Custodian's AWS provider (``c7n.resources.aws``) imports the SDK whenever it is installed,
    whose recorder builds two botocore X-Ray clients at import -- about a third of the cost
    of importing Custodian, paid by every command that loads it. With the SDK absent
    Custodian takes its own no-X-Ray path (``HAVE_XRAY`` false: no ``xray`` tracer), nothing
    else. The console script only: the library leaves its caller's modules alone, and
    ``netwarden-custodian`` keeps Custodian's tracers."""
    sys.modules.setdefault("aws_xray_sdk", None)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """The console script."""
    without_xray()
    gcpolicy.tune()
    interrupts.install()
    try:
        code = run(argv)
    except (KeyboardInterrupt, interrupts.Terminated) as exc:  # a second signal, while unwinding
        code = interrupts.exit_code_of(exc)
    if code >= 128:  # a signal, or a closed stdout: nothing more may be written or waited for
        interrupts.exit_now(code)
    sys.exit(code)
