"""The flow-log record fields AWS defines, by version, with one type per field.

A text log file names its fields in its header line (``account-id``); the columns use
``_`` for ``-`` (``account_id``), as AWS's own Parquet files and Athena tables do. Every
relation netwarden queries has *all* these columns, NULL where a file's format lacks one, so
a query written for version 5 fields runs unchanged over version 2 files.
"""

from __future__ import annotations

from typing import Literal

FieldType = Literal["int", "bigint", "string"]

# (header name, type, the version that introduced it); the order is AWS's documented order.
FIELDS: tuple[tuple[str, FieldType, int], ...] = (
    ("version", "int", 2),
    ("account-id", "string", 2),
    ("interface-id", "string", 2),
    ("srcaddr", "string", 2),
    ("dstaddr", "string", 2),
    ("srcport", "int", 2),
    ("dstport", "int", 2),
    ("protocol", "int", 2),
    ("packets", "bigint", 2),
    ("bytes", "bigint", 2),
    ("start", "bigint", 2),
    ("end", "bigint", 2),
    ("action", "string", 2),
    ("log-status", "string", 2),
    ("vpc-id", "string", 3),
    ("subnet-id", "string", 3),
    ("instance-id", "string", 3),
    ("tcp-flags", "int", 3),
    ("type", "string", 3),
    ("pkt-srcaddr", "string", 3),
    ("pkt-dstaddr", "string", 3),
    ("region", "string", 4),
    ("az-id", "string", 4),
    ("sublocation-type", "string", 4),
    ("sublocation-id", "string", 4),
    ("pkt-src-aws-service", "string", 5),
    ("pkt-dst-aws-service", "string", 5),
    ("flow-direction", "string", 5),
    ("traffic-path", "int", 5),
    ("ecs-cluster-arn", "string", 7),
    ("ecs-cluster-name", "string", 7),
    ("ecs-container-instance-arn", "string", 7),
    ("ecs-container-instance-id", "string", 7),
    ("ecs-container-id", "string", 7),
    ("ecs-second-container-id", "string", 7),
    ("ecs-service-name", "string", 7),
    ("ecs-task-definition-arn", "string", 7),
    ("ecs-task-arn", "string", 7),
    ("ecs-task-id", "string", 7),
    ("reject-reason", "string", 8),
)

# The default format (version 2), in the order AWS writes it.
DEFAULT_FORMAT: tuple[str, ...] = tuple(name for name, _type, version in FIELDS if version == 2)

DUCKDB_TYPES: dict[FieldType, str] = {"int": "INTEGER", "bigint": "BIGINT", "string": "VARCHAR"}


def column_name(field: str) -> str:
    """A header field's column name: ``-`` as ``_`` (DuckDB's normalize_names would drop the
    dash instead, giving ``accountid``)."""
    return field.strip().lower().replace("-", "_")


COLUMNS: tuple[tuple[str, FieldType], ...] = tuple(
    (column_name(name), kind) for name, kind, _version in FIELDS
)
COLUMN_TYPES: dict[str, FieldType] = dict(COLUMNS)


def quoted(column: str) -> str:
    """A column as an identifier both DuckDB and Athena (Trino) accept: ``end`` is reserved
    in both, so every column is double-quoted the same way."""
    return '"' + column.replace('"', '""') + '"'
