"""`netwarden flows`: the playbook's named queries over VPC Flow Logs (DuckDB here, Athena
at scale), and `flows athena-ddl` for the Athena table."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from scanner.commands.common import (
    emit,
    format_option,
    handle_input_errors,
    output_file_option,
    show_progress,
)
from scanner.errors import ExitCode
from scanner.flows.api import ATHENA_LAYOUTS, ENGINES, FlowsRequest, exit_code, query_flows

QUERY_NAMES_HELP = (
    "AcceptedTraffic AdminPortTraffic IPv4Traffic IPv6Traffic RejectedTCPTraffic "
    "RejectedTraffic SshRdpTraffic TopTalkers TopTalkersPacketLevel TopTalkingInstances "
    "TopTalkingSubnets TopTCPTraffic TotalBytesTransferred TotalBytesTransferredPacketLevel "
    "TrafficFrmSrcAddr TrafficToDstAddr"
)


@contextmanager
def _progress() -> Iterator[Any]:
    """A bar on stderr for downloads and loading, only for a person at a terminal."""
    if not show_progress():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    from scanner.console import rich_console

    bar = Bar(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        console=rich_console(sys.stderr),
    )
    tasks: dict[str, Any] = {}

    def update(phase: str, done: int, total: int) -> None:
        label = {"download": "downloading", "load": "reading files"}.get(phase, phase)
        if phase not in tasks:
            tasks[phase] = bar.add_task(label, total=total)
        bar.update(tasks[phase], completed=done, total=total)

    with bar:
        yield update


@click.group("flows", invoke_without_command=True)
@click.option(
    "--source",
    help="The flow logs: s3://bucket/prefix or a local directory (AWSLogs/<account>/vpcflowlogs/"
    "<region>/YYYY/MM/DD/, the Hive-partitioned layout, text or Parquet).",
)
@click.option("--since", help="Window start: ISO 8601 (UTC unless an offset is given) or 24h/7d.")
@click.option("--until", help="Window end (exclusive), as --since.")
@click.option(
    "--query",
    "names",
    multiple=True,
    help=f"A named query (repeatable; default: all). One of: {QUERY_NAMES_HELP}.",
)
@click.option("--address", help="The IP address for TrafficFrmSrcAddr and TrafficToDstAddr.")
@format_option(("text", "json", "markdown"), "text", "The queries' answers.", single=True)
@output_file_option(None, "Write the answers to this file instead of stdout.")
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="duckdb",
    show_default=True,
    help="duckdb: read the files here; athena: run the same SQL through the Athena API.",
)
@click.option("--athena-database", default="default", show_default=True, help="Glue database.")
@click.option("--athena-table", default="vpc_flow_logs", show_default=True, help="Athena table.")
@click.option("--athena-workgroup", help="Athena workgroup (default: the account's primary).")
@click.option("--athena-output", help="s3:// location for Athena's results (else the workgroup's).")
@click.option(
    "--athena-layout",
    type=click.Choice(ATHENA_LAYOUTS),
    default="aws",
    show_default=True,
    help="The table's partitions, as `flows athena-ddl --layout` created them.",
)
@click.option(
    "--athena-fields",
    help="The Athena table's columns, as athena-ddl --fields made it [default: the default "
    "format's 14 fields; 'all' for a Parquet table].",
)
@click.option("--profile", help="AWS profile for S3 and Athena.")
@click.option("--region", "aws_region", help="AWS region for Athena (default: the profile's).")
@click.option(
    "--endpoint-url",
    envvar="AWS_ENDPOINT_URL",
    help="Custom AWS endpoint (also read from AWS_ENDPOINT_URL).",
)
@click.option(
    "--memory-limit",
    default="1GB",
    show_default=True,
    help="DuckDB's memory limit; past it, DuckDB spills to a temporary directory.",
)
@click.pass_context
@handle_input_errors
def flows_group(
    ctx: click.Context,
    source: str | None,
    since: str | None,
    until: str | None,
    names: tuple[str, ...],
    address: str | None,
    output_format: str,
    output: str | None,
    engine: str,
    athena_database: str,
    athena_table: str,
    athena_workgroup: str | None,
    athena_output: str | None,
    athena_layout: str,
    athena_fields: str | None,
    profile: str | None,
    aws_region: str | None,
    endpoint_url: str | None,
    memory_limit: str,
) -> None:
    """Query VPC Flow Logs with the playbook's named queries (DuckDB or Athena)."""
    if ctx.invoked_subcommand is not None:
        return
    from scanner.flows.render import RENDERERS

    request = FlowsRequest(
        source=source,
        since=since,
        until=until,
        queries=names,
        address=address,
        engine=engine,
        athena_database=athena_database,
        athena_table=athena_table,
        athena_workgroup=athena_workgroup,
        athena_output=athena_output,
        athena_layout=athena_layout,
        athena_fields=athena_fields,
        profile=profile,
        region=aws_region,
        endpoint_url=endpoint_url,
        memory_limit=memory_limit,
    )
    if engine == "athena":
        report = query_flows(request)
    else:
        with _progress() as on_progress:  # downloads and loading, at a terminal
            report = query_flows(request, on_progress)
    emit(RENDERERS[output_format](report), output)
    code = exit_code(report)
    if code != ExitCode.OK:
        click.echo(
            f"netwarden: warning: {report.skipped_records} SKIPDATA record(s): AWS lost flows "
            "in this window, so the answers are incomplete",
            err=True,
        )
        raise click.exceptions.Exit(int(code))


@flows_group.command("athena-ddl")
@click.option(
    "--location",
    required=True,
    help="s3://bucket/prefix above AWSLogs/ (or down to .../vpcflowlogs/<region> for one "
    "account and region).",
)
@click.option("--table", default="vpc_flow_logs", show_default=True, help="Table name.")
@click.option("--database", default="default", show_default=True, help="Glue database.")
@click.option(
    "--layout",
    type=click.Choice(["aws", "hive"]),
    default="aws",
    show_default=True,
    help="aws: AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD; hive: the Hive-compatible "
    "prefixes (aws-account-id=.../year=.../month=.../day=...).",
)
@click.option(
    "--fields",
    help="The flow log's format (its LogFormat, `${version} ${vpc-id} ...`, or field names): "
    "a text table's columns, in the files' order [default: the default format].",
)
@click.option(
    "--file-format",
    type=click.Choice(["text", "parquet"]),
    default="text",
    show_default=True,
    help="The files' format (Parquet maps columns by name: every field is declared).",
)
@click.option("--account", "accounts", multiple=True, help="An account the table covers.")
@click.option("--region", "regions", multiple=True, help="A region the table covers.")
@handle_input_errors
def athena_ddl_command(
    location: str,
    table: str,
    database: str,
    layout: str,
    accounts: tuple[str, ...],
    regions: tuple[str, ...],
    fields: str | None,
    file_format: str,
) -> None:
    """Print the Athena table (partition projection) and the named queries."""
    from scanner.flows.athena import (
        FileFormat,
        TableLayout,
        check_name,
        ddl,
        named_queries_text,
        parse_fields,
        table_columns,
    )

    kind: TableLayout = "hive" if layout == "hive" else "aws"
    storage: FileFormat = "parquet" if file_format == "parquet" else "text"
    check_name(database, "--database")
    names = parse_fields(fields)
    click.echo(f"{ddl(location, table, kind, accounts, regions, names, storage)};\n")
    click.echo(named_queries_text(database, table, kind, table_columns(names, storage)))
