"""Every loader of user input, fuzzed: whatever the bytes, it either loads or raises an
InputError located at file:line (or a JSON path); never another exception (issue 11).

Inputs are valid documents with their structure mutated (a subtree replaced by any YAML or
JSON value, a key removed) and their text mutated (characters that mean something to YAML
and JSON inserted, deleted or replaced, bytes that are not UTF-8). `make test` runs a few
dozen examples per loader; `make fuzz` (NETWARDEN_FUZZ=1) thousands.
"""

from __future__ import annotations

import copy
import gzip
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner import snapshot as snapshot_io
from scanner.attribution.match import attribute
from scanner.attribution.sources import Gaps, local_records
from scanner.aws.accounts import targets_from_file
from scanner.baseline import store
from scanner.baseline.unproject import snapshot_of
from scanner.drift.findings import drift_finding
from scanner.errors import InputError
from scanner.policy.loader import load_policy_pack
from scanner.remediate.drift_plan import revert_actions
from scanner.waivers import load_waivers as waivers_file
from tests.unit.attribution.test_attribution import DELTAS, FLOW_LOG_DELETE, SSH_OPEN
from tests.unit.attribution.test_hostile_trail import trail_file
from tests.unit.jsonpaths import paths

FUZZ = os.environ.get("NETWARDEN_FUZZ") == "1"
PROFILE = settings(
    max_examples=2000 if FUZZ else 40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
ACCOUNT = "111111111111"
REGION = "us-east-1"

SNAPSHOT: dict[str, Any] = {
    "schema": "netwarden/snapshot/v1",
    "collected_at": "2026-01-01T00:00:00+00:00",
    "tool_version": "t",
    "stats": {"api_calls": 1, "duration_s": 0.1},
    "accounts": {
        ACCOUNT: {
            "regions": {
                REGION: {
                    "resources": {
                        "aws.security-group": [
                            {
                                "GroupId": "sg-1",
                                "GroupName": "web",
                                "VpcId": "vpc-1",
                                "OwnerId": ACCOUNT,
                                "IpPermissions": [
                                    {
                                        "IpProtocol": "tcp",
                                        "FromPort": 22,
                                        "ToPort": 22,
                                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                        "UserIdGroupPairs": [{"GroupId": "sg-2"}],
                                    }
                                ],
                                "Tags": [{"Key": "team", "Value": "web"}],
                            }
                        ],
                        "aws.vpc": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}],
                    },
                    "errors": [{"type": "aws.nat-gateway", "code": "Denied", "message": "no"}],
                }
            }
        },
        "audit": {"errors": [{"code": "AccessDenied", "message": "no"}]},
    },
}
BASELINE: dict[str, Any] = {
    "account": ACCOUNT,
    "region": REGION,
    "resources": {
        "aws.security-group": {
            "sg-1": {
                "GroupName": "web",
                "ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "0/0"}],
                "egress": [],
                "tags": {"team": "web"},
            }
        },
        "aws.route-table": {
            "rtb-1": {"VpcId": "vpc-1", "routes": [{"destination": "0.0.0.0/0", "target": "igw-1"}]}
        },
        "aws.peering-connection": {"pcx-1": {"requester": {"cidrs": ["10.0.0.0/16"]}}},
    },
}
ACCOUNTS: dict[str, Any] = {
    "accounts": [
        {"name": "prod", "role_arn": f"arn:aws:iam::{ACCOUNT}:role/audit", "external_id": "xid"},
        {"profile": "dev", "account_id": ACCOUNT},
    ]
}
WAIVERS: dict[str, Any] = {
    "waivers": [
        {
            "rule": "NW-SG-001",
            "resource": "sg-0abc*",
            "account": ACCOUNT,
            "region": REGION,
            "reason": "legacy appliance, ticket SEC-42",
            "owner": "netops@example.com",
            "expires": "2027-03-31",
        }
    ]
}
# The seed policy is the pack's first, so it carries every key the pack's schema requires.
_PACK = yaml.safe_load((Path(__file__).parents[3] / "policies" / "security-groups.yml").read_text())
POLICY: dict[str, Any] = {"policies": _PACK["policies"][:1]}


def hashable(value: Any) -> bool:
    return not isinstance(value, (list, dict))


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=6)
    | st.sampled_from(["", "-1", "0.0.0.0/0", "sg-1", ACCOUNT, "2027-01-01", "*", "~"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(SCALARS.filter(hashable), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def mutated(draw: st.DrawFn, valid: dict[str, Any]) -> Any:
    """``valid`` with up to three subtrees replaced or removed."""
    doc: Any = copy.deepcopy(valid)
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(paths(doc)))
        if not where:
            doc = draw(VALUES)
            continue
        node = doc
        for step in where[:-1]:
            node = node[step]
        if isinstance(node, dict) and draw(st.booleans()):
            del node[where[-1]]
        else:
            node[where[-1]] = draw(VALUES)
    return doc


NOISE = st.sampled_from(list("[]{}:,-&*!|>'\"#%@`?\n \t\\0aZ9\u00e9\u202e\x1b"))


@st.composite
def text_mutated(draw: st.DrawFn, text: str) -> bytes:
    """``text`` with characters inserted, deleted or replaced, and maybe a non-UTF-8 byte."""
    chars = list(text)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(chars)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert" or not chars:
            chars.insert(at, draw(NOISE))
        elif action == "delete":
            del chars[min(at, len(chars) - 1)]
        else:
            chars[min(at, len(chars) - 1)] = draw(NOISE)
    raw = "".join(chars).encode("utf-8")
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x80", b"\x00"])) + raw[at:]
    return raw


def as_yaml(value: Any) -> bytes:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False).encode("utf-8")


def yaml_inputs(valid: dict[str, Any]) -> st.SearchStrategy[bytes]:
    return (
        mutated(valid).map(as_yaml) | text_mutated(as_yaml(valid).decode()) | st.binary(max_size=64)
    )


def json_inputs(valid: dict[str, Any]) -> st.SearchStrategy[bytes]:
    def as_json(value: Any) -> bytes:
        return json.dumps(value, allow_nan=True).encode()

    return mutated(valid).map(as_json) | text_mutated(json.dumps(valid)) | st.binary(max_size=64)


def located(error: InputError, file: Path) -> None:
    """An InputError a user can act on: it names the file and a line or a JSON path."""
    assert error.path is not None and Path(error.path).name.startswith(file.name[:8]), error
    assert error.line or error.message.startswith("$"), f"not located: {error}"
    assert "Traceback" not in str(error)


def check(load: Callable[[Path], Any], file: Path, raw: bytes) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(raw)
    try:
        load(file)
    except InputError as error:
        located(error, file)


def load_baseline(file: Path) -> Any:
    # Through the directory reader, as diff and scan read it, then what review does with a
    # proposed baseline: read it back as a snapshot for the rule pack.
    baselines = store.load_dir(file.parents[1])
    return snapshot_of(baselines)


def load_accounts(file: Path) -> Any:
    return targets_from_file(file, None)


def load_policy(file: Path) -> Any:
    return load_policy_pack(file.parent)


def load_waivers(file: Path) -> Any:
    return waivers_file(file, {"NW-SG-001"})


SEEDS: dict[str, tuple[Callable[[Path], Any], str, bytes]] = {
    "snapshot": (snapshot_io.load, "snapshot.json", json.dumps(SNAPSHOT).encode()),
    "baseline": (load_baseline, f"baselines/{ACCOUNT}/{REGION}.yaml", as_yaml(BASELINE)),
    "accounts": (load_accounts, "accounts.yaml", as_yaml(ACCOUNTS)),
    "waivers": (load_waivers, "waivers.yaml", as_yaml(WAIVERS)),
    "policy": (load_policy, "policies/pack.yml", as_yaml(POLICY)),
}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_the_seed_documents_load(name: str, tmp_path: Path) -> None:
    load, relative, raw = SEEDS[name]
    (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / relative).write_bytes(raw)
    assert load(tmp_path / relative)


@PROFILE
@given(raw=json_inputs(SNAPSHOT))
def test_the_snapshot_loader(raw: bytes, tmp_path: Path) -> None:
    check(snapshot_io.load, tmp_path / "snapshot.json", raw)


@PROFILE
@given(raw=yaml_inputs(BASELINE))
def test_the_baseline_loader(raw: bytes, tmp_path: Path) -> None:
    check(load_baseline, tmp_path / "baselines" / ACCOUNT / f"{REGION}.yaml", raw)


@PROFILE
@given(raw=yaml_inputs(ACCOUNTS))
def test_the_accounts_loader(raw: bytes, tmp_path: Path) -> None:
    check(load_accounts, tmp_path / "accounts.yaml", raw)


@PROFILE
@given(raw=yaml_inputs(WAIVERS))
def test_the_waivers_loader(raw: bytes, tmp_path: Path) -> None:
    check(load_waivers, tmp_path / "waivers.yaml", raw)


@PROFILE
@given(raw=yaml_inputs(POLICY))
def test_the_policy_loader(raw: bytes, tmp_path: Path) -> None:
    check(load_policy, tmp_path / "policies" / "pack.yml", raw)


# CloudTrail is not exit 2 but an attribution gap: a bad file or record is skipped and
# counted, and attribution goes on with the rest; never an exception.
TRAIL = {"Records": [SSH_OPEN, FLOW_LOG_DELETE]}


@PROFILE
@given(raw=json_inputs(TRAIL), packed=st.booleans())
def test_the_cloudtrail_reader(raw: bytes, packed: bool, tmp_path: Path) -> None:
    # tmp_path is one directory for every example hypothesis runs: a fresh folder per
    # example, or a file an earlier example wrote (log.json beside log.json.gz) is read too.
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    trail_file(root, "log.json.gz" if packed else "log.json", gzip.compress(raw) if packed else raw)
    gaps = Gaps()
    records = list(local_records(root, gaps))
    attribute([drift_finding(delta, revert_actions) for delta in DELTAS], DELTAS, records)
    if raw == json.dumps(TRAIL).encode():
        assert records and not gaps.notes()
