"""Names from a snapshot become file names: ``baselines/<account>/<region>.yaml``. An account
``../../x`` once wrote outside --baseline-dir; now anything but an account id and a region
name is exit 2 naming the JSON path, and nothing is written anywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner import snapshot as snapshot_module
from scanner.baseline.store import baseline_path
from scanner.cli import cli
from scanner.errors import InputError
from scanner.fileio import inside

ACCOUNT = "111111111111"
GROUP = {"GroupId": "sg-1", "GroupName": "web", "VpcId": "vpc-1", "OwnerId": ACCOUNT}


def snapshot(account: str = ACCOUNT, region: str = "us-east-1") -> dict[str, object]:
    return {
        "schema": "netwarden/snapshot/v1",
        "collected_at": "2026-01-01T00:00:00+00:00",
        "tool_version": "t",
        "stats": {"api_calls": 0, "duration_s": 0},
        "accounts": {
            account: {
                "regions": {region: {"resources": {"aws.security-group": [GROUP]}, "errors": []}}
            }
        },
    }


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


HOSTILE = {
    "account climbs out": ("../../x", "us-east-1", '$.accounts["../../x"]'),
    "account absolute": ("/tmp/x", "us-east-1", '$.accounts["/tmp/x"]'),
    "account too short": ("1234", "us-east-1", '$.accounts["1234"]'),
    "account other digits": ("\u0661" * 12, "us-east-1", "$.accounts["),
    "region climbs out": (ACCOUNT, "../../../y", f'$.accounts["{ACCOUNT}"].regions["../../../y"]'),
    "region with a slash": (ACCOUNT, "us-east-1/x", ".regions["),
    "region with é": (ACCOUNT, "eu-wést-1", '.regions["eu-w\\u00e9st-1"]'),
    "region empty": (ACCOUNT, "", '.regions[""]'),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_baseline_create_refuses_names_that_are_not_aws_names(case: str, tmp_path: Path) -> None:
    account, region, where = HOSTILE[case]
    work = tmp_path / "a" / "b" / "work"
    work.mkdir(parents=True)
    (work / "snapshot.json").write_text(json.dumps(snapshot(account, region)))
    before = files_under(tmp_path)
    result = CliRunner().invoke(
        cli,
        [
            "baseline",
            "create",
            "--snapshot",
            str(work / "snapshot.json"),
            "--baseline-dir",
            str(work / "baselines"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert where in result.output
    assert files_under(tmp_path) == before
    assert not (work / "baselines").exists()


def test_a_real_name_still_writes_inside_the_directory(tmp_path: Path) -> None:
    (tmp_path / "snapshot.json").write_text(json.dumps(snapshot()))
    result = CliRunner().invoke(
        cli,
        [
            "baseline",
            "create",
            "--snapshot",
            str(tmp_path / "snapshot.json"),
            "--baseline-dir",
            str(tmp_path / "baselines"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert files_under(tmp_path / "baselines") == {
        tmp_path / "baselines" / ACCOUNT / "us-east-1.yaml"
    }


@pytest.mark.parametrize(
    "account, region", [("../../x", "us-east-1"), (ACCOUNT, "../x"), (ACCOUNT, "a/b"), ("", "")]
)
def test_baseline_path_refuses_what_is_not_an_account_and_a_region(
    account: str, region: str, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="no baseline path for"):
        baseline_path(tmp_path, account, region)


def test_inside_refuses_climbing_absolute_parts_and_symlinks_out(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)
    assert inside(root, "a", "b.yaml") == root / "a" / "b.yaml"
    for parts in (("..", "x"), ("/etc", "passwd"), ("link", "x"), (".",)):
        with pytest.raises(InputError, match="refusing to write outside"):
            inside(root, *parts)


def test_an_account_that_could_not_be_opened_keeps_its_label(tmp_path: Path) -> None:
    # A failed account is recorded under the label it was asked for (a profile, "default"),
    # with its error and no regions: the snapshot reads back, so diff reports the coverage
    # gap (exit 3) instead of refusing its own snapshot (exit 2).
    data = snapshot()
    data["accounts"]["default"] = {  # type: ignore[index]
        "regions": {},
        "errors": [{"type": "account", "code": "AccessDenied", "message": "no"}],
    }
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(data))
    assert "default" in snapshot_module.load(path)["accounts"]


def test_a_label_with_region_data_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(snapshot(account="default")))
    with pytest.raises(
        InputError, match=r"\$\.accounts\.default: 'default' is not an AWS account id"
    ):
        snapshot_module.load(path)


def test_an_account_name_is_text_or_the_snapshot_is_refused(tmp_path: Path) -> None:
    # The reports print the name next to the account id; a snapshot is input like any file.
    data = snapshot()
    data["accounts"][ACCOUNT]["name"] = "prod"  # type: ignore[index]
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(data))
    assert snapshot_module.load(path)["accounts"][ACCOUNT]["name"] == "prod"
    data["accounts"][ACCOUNT]["name"] = {"not": "text"}  # type: ignore[index]
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match=rf'\$\.accounts\["{ACCOUNT}"\]\.name: expected a string'):
        snapshot_module.load(path)
