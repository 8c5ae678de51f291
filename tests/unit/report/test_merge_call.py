"""``scanner.merge``: the shards' report sets merged into one by one call, and its exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.errors import InputError
from scanner.merge import MergeRequest, exit_code, merge
from scanner.policy.loader import load_policy_pack
from tests.unit.report.test_merge import document
from tests.unit.signal.findings import OTHER, finding

POLICIES = str(Path(__file__).resolve().parents[3] / "policies")


@pytest.fixture(scope="module")
def digest() -> str:
    return load_policy_pack(POLICIES).digest


def shard(directory: Path, doc: dict[str, object]) -> Path:
    directory.mkdir()
    (directory / "findings.json").write_text(json.dumps(doc))
    return directory


def test_two_shards_become_one_report_set(tmp_path: Path, digest: str) -> None:
    pack = {"digest": digest, "dir": "policies"}
    gap = {"account": OTHER, "region": "us-east-1", "type": "aws.flow-log", "code": "Denied"}
    first = shard(tmp_path / "s1", document([finding("NW-SG-005", "sg-1")], policy_pack=pack))
    second = shard(
        tmp_path / "s2",
        document([], policy_pack=pack, accounts=[OTHER], coverage_gaps=[gap]),
    )
    out = tmp_path / "merged"
    result = merge(
        MergeRequest(
            shard_dirs=(first, second),
            output_dir=out,
            policies_dir=POLICIES,
            formats=("json",),
            category="nightly",
        )
    )
    assert result.written == (out / "findings.json",)
    merged = json.loads((out / "findings.json").read_text())
    assert [f["resource_id"] for f in merged["findings"]] == ["sg-1"]
    assert result.run.scope == "nightly"
    # high finding: 1; a shard's gap: 3 as well (1 first); none: never fails
    assert (exit_code(result, "high"), exit_code(result, "critical")) == (1, 3)
    assert exit_code(result, "none") == 0


def test_shards_of_another_pack_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    lone = shard(tmp_path / "s1", document([]))  # digest sha256:abc
    with pytest.raises(InputError, match="another policy pack"):
        merge(MergeRequest(shard_dirs=(lone,), output_dir=tmp_path / "out", policies_dir=POLICIES))
    assert not (tmp_path / "out").exists()
