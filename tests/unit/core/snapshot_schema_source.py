"""Where scanner/schemas/snapshot.schema.json comes from: botocore's output shapes.

Each resource type's item is the member shape of its Describe call's result list, as
botocore parses it and a snapshot file stores it (timestamps and blobs as strings). The
few types whose items a collector builds itself (GuardDuty's detectors) are described here.
Regenerate after a new type or field: ``python -m tests.unit.core.snapshot_schema_source``.
The test beside this module checks the shipped file against the installed botocore.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session

from scanner.resources.catalog import types

SCHEMA_FILE = Path(__file__).parents[3] / "scanner" / "schemas" / "snapshot.schema.json"
SCALARS = {
    "string": "string",
    "timestamp": "string",
    "blob": "string",
    "integer": "integer",
    "long": "integer",
    "float": "number",
    "double": "number",
    "boolean": "boolean",
}
# Items a collector builds from more than one call: (operation whose output is the item,
# keys the collector adds with their schema).
BUILT = {
    "aws.guardduty-detector": (
        "GetDetector",
        {"DetectorId": {"type": "string"}, "Administrator": {"type": "object"}},
    ),
}


def shape_schema(shape: Any, defs: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    """The JSON Schema of one botocore shape; structures go to ``defs`` by name."""
    kind = shape.type_name
    if kind in SCALARS:
        return {"type": SCALARS[kind]}
    if kind == "list":
        return {"type": "array", "items": shape_schema(shape.member, defs, depth + 1)}
    if kind == "map":
        return {
            "type": "object",
            "additionalProperties": shape_schema(shape.value, defs, depth + 1),
        }
    if kind != "structure":
        raise ValueError(f"unknown botocore shape type {kind}")
    name = f"shape.{shape.name}"
    if name not in defs:
        defs[name] = {}  # a recursive shape refers to itself
        defs[name] = {
            "type": "object",
            "properties": {
                member: shape_schema(sub, defs, depth + 1)
                for member, sub in sorted(shape.members.items())
            },
        }
    return {"$ref": f"#/$defs/{name}"}


def item_schemas() -> dict[str, Any]:
    session = botocore.session.get_session()
    defs: dict[str, Any] = {}
    items: dict[str, Any] = {}
    for rtype in types():
        collector = rtype.collector
        model = session.get_service_model(collector.service)
        if rtype.name in BUILT:
            operation, added = BUILT[rtype.name]
            output = model.operation_model(operation).output_shape
            properties = {
                member: shape_schema(sub, defs) for member, sub in sorted(output.members.items())
            }
            item = {"type": "object", "properties": {**properties, **added}}
        else:
            output = model.operation_model(collector.api_operation).output_shape
            listed = output.members[collector.result_key]
            # A single collector's item is the result object itself (an account setting).
            member = listed if collector.single else listed.member
            item = dict(defs[shape_schema(member, defs)["$ref"].split("/")[-1]])
        item["required"] = [collector.id_key]
        item["properties"] = {**item["properties"], collector.id_key: {"type": "string"}}
        item["x-netwarden-id"] = collector.id_key
        items[rtype.name] = item
    return {"items": items, "shapes": defs}


def skeleton(resources: dict[str, Any]) -> dict[str, Any]:
    error = {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "code": {"type": "string"},
            "message": {"type": "string"},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/netwarden/netwarden/docs/snapshot.schema.json",
        "title": "netwarden snapshot (netwarden/snapshot/v1)",
        "description": (
            "Generated from botocore's output shapes by tests/unit/core/snapshot_schema_source.py"
        ),
        "type": "object",
        "required": ["schema", "accounts"],
        "properties": {
            "schema": {"const": "netwarden/snapshot/v1"},
            "collected_at": {"type": "string"},
            "tool_version": {"type": "string"},
            "stats": {"type": "object"},
            "accounts": {"type": "object", "additionalProperties": {"$ref": "#/$defs/account"}},
        },
        "$defs": {
            "error": error,
            "errors": {"type": "array", "items": {"$ref": "#/$defs/error"}},
            "account": {
                "type": "object",
                "properties": {
                    "regions": {
                        "type": "object",
                        "additionalProperties": {"$ref": "#/$defs/region"},
                    },
                    "errors": {"$ref": "#/$defs/errors"},
                    # From Organizations or the accounts file; shown in every report.
                    "name": {"type": "string"},
                    # DescribeOrganization's Id: its aws:PrincipalOrgID conditions are trusted.
                    "organization_id": {"type": "string"},
                },
            },
            "region": {
                "type": "object",
                "properties": {
                    "resources": {"$ref": "#/$defs/resources"},
                    "errors": {"$ref": "#/$defs/errors"},
                },
            },
            # A type this netwarden does not know (a newer one wrote it) is a list of objects.
            "resources": {
                "type": "object",
                "properties": resources,
                "additionalProperties": {"type": "array", "items": {"type": "object"}},
            },
        },
    }


def build() -> dict[str, Any]:
    parts = item_schemas()
    resources = {
        name: {"type": "array", "items": {"$ref": f"#/$defs/{name}"}} for name in parts["items"]
    }
    schema = skeleton(resources)
    schema["$defs"].update(parts["items"])
    schema["$defs"].update(dict(sorted(parts["shapes"].items())))
    return schema


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=1, sort_keys=False) + "\n"


if __name__ == "__main__":
    SCHEMA_FILE.write_text(render(build()))
    print(f"wrote {SCHEMA_FILE}")
