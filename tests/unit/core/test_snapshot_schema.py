"""A snapshot is input: its shape is checked against the JSON Schema shipped with the package
(scanner/schemas/snapshot.schema.json), and every fault is exit 2 naming the JSON path.

Each shape below was a traceback before (issue 11, item 6): an item without its id key,
``resources`` as a list, items that are strings or ints, ``IpPermissions`` as a string,
``regions`` as a list, deep nesting (RecursionError) and two items with one id (which made
a 100k-resource scan fail with an unrelated KeyError in a remediation template).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.synth import snapshot as synthetic
from scanner import snapshot as snapshot_io
from scanner import snapshotschema
from scanner.cli import cli
from scanner.errors import InputError
from scanner.resources.catalog import types
from tests.unit.core import snapshot_schema_source
from tests.unit.jsonpaths import paths

FUZZ = os.environ.get("NETWARDEN_FUZZ") == "1"
PROFILE = settings(
    max_examples=3000 if FUZZ else 150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ACCOUNT = "111111111111"
REGION = "us-east-1"
GROUP = {
    "GroupId": "sg-1",
    "GroupName": "web",
    "VpcId": "vpc-1",
    "OwnerId": ACCOUNT,
    "Description": "web",
    "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ],
    "IpPermissionsEgress": [],
}
SG = ["accounts", ACCOUNT, "regions", REGION, "resources", "aws.security-group"]
SG_PATH = '$.accounts["111111111111"].regions["us-east-1"].resources["aws.security-group"]'


def document(**region: Any) -> dict[str, Any]:
    return {
        "schema": "netwarden/snapshot/v1",
        "collected_at": "2026-01-01T00:00:00+00:00",
        "tool_version": "t",
        "stats": {"api_calls": 0, "duration_s": 0},
        "accounts": {
            ACCOUNT: {
                "regions": {
                    REGION: region
                    or {"resources": {"aws.security-group": [copy.deepcopy(GROUP)]}, "errors": []}
                }
            }
        },
    }


def with_value(path: list[Any], value: Any) -> dict[str, Any]:
    doc = document()
    node: Any = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


SHAPES: dict[str, tuple[dict[str, Any], str]] = {
    "an item without its id": (
        with_value([*SG, 0], {k: v for k, v in GROUP.items() if k != "GroupId"}),
        f"{SG_PATH}[0]: missing 'GroupId'",
    ),
    "resources as a list": (
        with_value(["accounts", ACCOUNT, "regions", REGION, "resources"], []),
        '$.accounts["111111111111"].regions["us-east-1"].resources: expected an object, '
        "found an array",
    ),
    "an item that is a string": (
        with_value([*SG, 0], "sg-1"),
        f"{SG_PATH}[0]: expected an object, found a string",
    ),
    "an item that is an int": (
        with_value([*SG, 0], 5),
        f"{SG_PATH}[0]: expected an object, found an integer",
    ),
    "IpPermissions as a string": (
        with_value([*SG, 0, "IpPermissions"], "tcp/22"),
        f"{SG_PATH}[0].IpPermissions: expected an array, found a string",
    ),
    "a port that is a string": (
        with_value([*SG, 0, "IpPermissions", 0, "FromPort"], "22"),
        f"{SG_PATH}[0].IpPermissions[0].FromPort: expected an integer, found a string",
    ),
    "a CIDR that is a list": (
        with_value([*SG, 0, "IpPermissions", 0, "IpRanges", 0, "CidrIp"], ["0.0.0.0/0"]),
        f"{SG_PATH}[0].IpPermissions[0].IpRanges[0].CidrIp: expected a string, found an array",
    ),
    "an id that is an int": (
        with_value([*SG, 0, "GroupId"], 7),
        f"{SG_PATH}[0].GroupId: expected a string, found an integer",
    ),
    "regions as a list": (
        with_value(["accounts", ACCOUNT, "regions"], []),
        '$.accounts["111111111111"].regions: expected an object, found an array',
    ),
    "an account that is a string": (
        with_value(["accounts", ACCOUNT], "x"),
        '$.accounts["111111111111"]: expected an object, found a string',
    ),
    "errors as a string": (
        with_value(["accounts", ACCOUNT, "regions", REGION, "errors"], "AccessDenied"),
        '$.accounts["111111111111"].regions["us-east-1"].errors: expected an array, found a string',
    ),
    "a type's items as an object": (
        with_value(SG, {"sg-1": GROUP}),
        f"{SG_PATH}: expected an array, found an object",
    ),
    "deep nesting where a list of rules belongs": (
        with_value([*SG, 0, "IpPermissions"], json.loads("[" * 500 + "]" * 500)),
        f"{SG_PATH}[0].IpPermissions[0]: expected an object, found an array",
    ),
    "two items with one id": (
        with_value(SG, [GROUP, {**GROUP, "GroupName": "copy"}]),
        f'{SG_PATH}[1]: a second item with the GroupId "sg-1"',
    ),
}


def run(args: list[str]) -> Any:
    return CliRunner().invoke(cli, args)


@pytest.mark.parametrize("case", sorted(SHAPES))
def test_every_shape_fault_is_exit_2_naming_its_json_path(case: str, tmp_path: Path) -> None:
    doc, message = SHAPES[case]
    (tmp_path / "snapshot.json").write_text(json.dumps(doc))
    with pytest.raises(InputError) as caught:
        snapshot_io.load(tmp_path / "snapshot.json")
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{tmp_path / 'snapshot.json'}: $.")
    result = run(
        [
            "baseline",
            "create",
            "--snapshot",
            str(tmp_path / "snapshot.json"),
            "--baseline-dir",
            str(tmp_path / "baselines"),
        ]
    )
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "baselines").exists()


def test_a_scan_of_a_snapshot_with_duplicates_is_exit_2_naming_the_id(tmp_path: Path) -> None:
    doc = SHAPES["two items with one id"][0]
    (tmp_path / "snapshot.json").write_text(json.dumps(doc))
    result = run(["scan", "--snapshot", str(tmp_path / "snapshot.json"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert '"sg-1"' in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_a_deeply_nested_snapshot_is_exit_2_not_a_recursion_error(
    depth: int, tmp_path: Path
) -> None:
    nested = "[" * depth + "]" * depth
    text = json.dumps(document()).replace('"errors": []', f'"errors": {nested}')
    (tmp_path / "snapshot.json").write_text(text)
    result = run(["exposure", "--snapshot", str(tmp_path / "snapshot.json")])
    assert result.exit_code == 2, result.output
    assert "snapshot.json" in result.output
    assert "Traceback" not in result.output


def test_an_account_that_could_not_be_opened_keeps_its_label(tmp_path: Path) -> None:
    doc = document()
    doc["accounts"]["audit-role"] = {"errors": [{"code": "AccessDenied", "message": "no"}]}
    (tmp_path / "snapshot.json").write_text(json.dumps(doc))
    assert "audit-role" in snapshot_io.load(tmp_path / "snapshot.json")["accounts"]


def test_a_type_this_version_does_not_know_is_accepted_as_a_list_of_objects(
    tmp_path: Path,
) -> None:
    doc = with_value([*SG[:-1], "aws.future-thing"], [{"Id": "x"}])
    (tmp_path / "snapshot.json").write_text(json.dumps(doc))
    snapshot_io.load(tmp_path / "snapshot.json")
    (tmp_path / "bad.json").write_text(json.dumps(with_value([*SG[:-1], "aws.future"], [1])))
    with pytest.raises(InputError, match=r'resources\["aws.future"\]\[0\]: expected an object'):
        snapshot_io.load(tmp_path / "bad.json")


# --- The schema itself --------------------------------------------------------------------


def test_the_shipped_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(snapshotschema.schema())


def test_every_type_has_an_item_schema_with_its_id_key() -> None:
    assert snapshotschema.id_keys() == {rtype.name: rtype.id_key for rtype in types()}


def test_the_shipped_schema_agrees_with_the_installed_botocore() -> None:
    """Every definition and property both name has the same schema (botocore may have added
    members since: they are not checked until the file is regenerated)."""
    shipped = snapshotschema.schema()["$defs"]
    for name, built in snapshot_schema_source.build()["$defs"].items():
        if name not in shipped or "properties" not in built:
            continue
        for key, sub in built["properties"].items():
            if key in shipped[name].get("properties", {}):
                assert shipped[name]["properties"][key] == sub, (name, key)


SAMPLE = snapshot_io.to_json_compatible(synthetic(2500))


def test_a_synthetic_snapshot_is_valid_for_jsonschema_and_for_the_fast_checks() -> None:
    region = next(iter(SAMPLE["accounts"].values()))["regions"]
    first = next(iter(region.values()))
    small = copy.deepcopy(SAMPLE)
    for account in small["accounts"].values():
        for data in account["regions"].values():
            data["resources"] = {t: items[:3] for t, items in data["resources"].items()}
    assert jsonschema.Draft202012Validator(snapshotschema.schema()).is_valid(small)
    snapshotschema.check(SAMPLE, "synthetic")
    assert sum(map(len, first["resources"].values())) > 1000


# --- The fast checks agree with jsonschema ------------------------------------------------

ITEMS = [
    (rtype, item)
    for account in SAMPLE["accounts"].values()
    for data in account["regions"].values()
    for rtype, items in sorted(data["resources"].items())
    for item in items[:2]
]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)


def has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(map(has_float, value.values()))
    if isinstance(value, list):
        return any(map(has_float, value))
    return False


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    rtype, item = draw(st.sampled_from(ITEMS))
    item = copy.deepcopy(item)
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.sampled_from(paths(item)))
        if not where:
            item = draw(JSON)
            continue
        node = item
        for step in where[:-1]:
            node = node[step]
        if draw(st.booleans()) and isinstance(node, dict):
            del node[where[-1]]
        else:
            node[where[-1]] = draw(JSON)
    return rtype, item


DEFS = snapshotschema.schema()["$defs"]
VALIDATORS = {
    name: jsonschema.Draft202012Validator({"$defs": DEFS, "$ref": f"#/$defs/{name}"})
    for name in DEFS
}
SLOW = {name: snapshotschema.compile_check({"$ref": f"#/$defs/{name}"}, DEFS) for name in DEFS}
FAST = {name: snapshotschema.compile_fast({"$ref": f"#/$defs/{name}"}, DEFS) for name in DEFS}


@PROFILE
@given(mutated())
def test_the_fast_checks_answer_what_jsonschema_answers(case: tuple[str, Any]) -> None:
    rtype, item = case
    expected = VALIDATORS[rtype].is_valid(item)
    slow, fast = SLOW[rtype], FAST[rtype]
    assert slow is not None
    fault = slow(item)
    assert (fault is None) == expected, fault
    if fast(item):
        assert expected
    elif expected:
        assert has_float(item)  # the fast test leaves 22.0 for an integer to the closures
    if fault:
        # The path the closures name leads to the value that is wrong.
        node = item
        for step in reversed(fault[1]):
            node = node[step]
