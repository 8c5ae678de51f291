"""A baseline entry turned back into a Describe-shaped item projects to the same entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner import resources
from scanner import snapshot as snapshot_io
from scanner.baseline import store
from scanner.baseline.unproject import snapshot_of
from scanner.cli import cli
from scanner.demo.seed import seed_organisation
from tests.conftest import ACCOUNT, AwsEnv


@pytest.fixture
def seeded_baseline(aws: AwsEnv, tmp_path: Path) -> dict[tuple[str, str], store.RegionBaseline]:
    seed_organisation(aws.client, regions=("us-east-1", "eu-west-1"))
    out = tmp_path / "snapshot.json"
    result = CliRunner().invoke(
        cli, ["collect", "-o", str(out), "--regions", "us-east-1,eu-west-1"]
    )
    assert result.exit_code == 0, result.output
    live = store.project_snapshot(snapshot_io.load(out))
    return {
        key: store.RegionBaseline(key[0], key[1], "b.yaml", resources)
        for key, resources in live.items()
    }


INVERTIBLE = {t.name for t in resources.types() if t.unproject is not None}


def test_round_trip_for_every_invertible_type(
    seeded_baseline: dict[tuple[str, str], store.RegionBaseline],
) -> None:
    again = store.project_snapshot(snapshot_of(seeded_baseline))
    seen = set()
    for key, baseline in seeded_baseline.items():
        for rtype in INVERTIBLE:
            original = baseline.resources.get(rtype, {})
            assert again[key].get(rtype, {}) == original, (key, rtype)
            if original:
                seen.add(rtype)
    # The seeded organisation exercises (nearly) every invertible type.
    assert len(seen) >= len(INVERTIBLE) - 1, INVERTIBLE - seen
    assert ACCOUNT in {k[0] for k in seeded_baseline}
