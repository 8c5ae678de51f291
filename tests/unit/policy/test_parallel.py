"""Evaluation in worker processes gives what evaluation in one process gives."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from scanner.errors import InputError
from scanner.forking import can_fork
from scanner.policy.evaluate import evaluate
from scanner.policy.loader import PolicyPack
from scanner.policy.parallel import start_evaluation
from tests.unit.policy.snapshots import ACCOUNT, REGION, sg, snapshot
from tests.unit.policy.test_evaluate import _one_policy_pack

needs_fork = pytest.mark.skipif(not can_fork(), reason="worker processes need fork")


def rich_snapshot() -> dict[str, Any]:
    from bench import synth

    snap = synth.snapshot(3000, density=0.4)  # three (account, region) blocks
    assert sum(len(a["regions"]) for a in snap["accounts"].values()) == 3
    return snap


@pytest.mark.slow  # forks
@needs_fork
def test_same_findings_in_the_same_order_as_one_process(pack: PolicyPack) -> None:
    snap = rich_snapshot()
    before = copy.deepcopy(snap)
    with start_evaluation(snap, pack, processes=2) as pending:
        assert pending.workers == 2
        spread = pending.result()
    alone = evaluate(snap, pack)
    assert len(alone) > 100
    assert [f.to_dict() for f in spread] == [f.to_dict() for f in alone]
    assert snap == before


def test_one_process_evaluates_here(pack: PolicyPack) -> None:
    snap = rich_snapshot()
    with start_evaluation(snap, pack, processes=1) as pending:
        assert pending.workers == 0
        assert [f.to_dict() for f in pending.result()] == [
            f.to_dict() for f in evaluate(snap, pack)
        ]


@pytest.mark.slow  # forks
@needs_fork
def test_an_input_error_in_a_worker_keeps_its_file_and_line(tmp_path: Path) -> None:
    pack = _one_policy_pack(tmp_path, "      - unused")
    snap = snapshot({"aws.security-group": [sg("sg-1", [])]})
    regions = snap["accounts"][ACCOUNT]["regions"]
    regions["eu-west-1"] = copy.deepcopy(regions[REGION])
    with start_evaluation(snap, pack, processes=2) as pending:
        assert pending.workers == 2
        with pytest.raises(InputError) as caught:
            pending.result()
    assert caught.value.path == str(tmp_path / "p.yml") and caught.value.line == 2
    assert "cannot answer" in caught.value.message


def test_results_are_handed_out_once(pack: PolicyPack) -> None:
    with start_evaluation(snapshot({}), pack) as pending:
        assert pending.result() == evaluate(snapshot({}), pack)
        with pytest.raises(RuntimeError):
            pending.result()
