"""`netwarden init`: the scaffold on disk, validated by GitHub's workflow schema and zizmor,
never overwriting, never writing outside DIR."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from scanner.cli import cli
from scanner.policy.loader import load_policy_pack
from scanner.scaffold.files import NIGHTLY, REVIEW

BIN = Path(sys.executable).parent
EXPECTED = {
    NIGHTLY,
    REVIEW,
    "waivers.yaml",
    "accounts.example.yaml",
    "baselines/README.md",
    "netwarden-iam-policy.json",
}


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _init(*args: str) -> object:
    return CliRunner().invoke(cli, ["init", *args])


def test_init_writes_the_contract_files(tmp_path: Path) -> None:
    result = _init(str(tmp_path / "repo"), "--shards", "4")
    assert result.exit_code == 0, result.output
    root = tmp_path / "repo"
    assert _files(root) == EXPECTED
    policy = json.loads((root / "netwarden-iam-policy.json").read_text())
    assert policy["Version"] == "2012-10-17"
    nightly = yaml.safe_load((root / NIGHTLY).read_text())
    assert nightly["jobs"]["scan"]["strategy"]["matrix"]["shard"] == [1, 2, 3, 4]


def test_the_next_step_baselines_the_accounts_the_nightly_scans(tmp_path: Path) -> None:
    result = _init(str(tmp_path / "repo"))
    assert result.exit_code == 0, result.output
    nightly = (tmp_path / "repo" / NIGHTLY).read_text()
    assert "--accounts accounts.yaml" in nightly
    assert "`netwarden baseline create --accounts accounts.yaml`" in result.output


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed in the venv (it is a dev dependency: make install)")
    return str(path)


def _run(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("company")
    result = _init(str(root), "--shards", "3")
    assert result.exit_code == 0, result.output
    return root


def test_workflows_pass_githubs_workflow_schema(scaffolded: Path) -> None:
    tool = _tool("check-jsonschema")
    proc = _run(
        tool, "--builtin-schema", "vendor.github-workflows", NIGHTLY, REVIEW, cwd=scaffolded
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_schema_check_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps: nope\n")
    proc = _run(
        _tool("check-jsonschema"),
        "--builtin-schema",
        "vendor.github-workflows",
        str(bad),
        cwd=tmp_path,
    )
    assert proc.returncode != 0


def test_workflows_pass_zizmor_pedantic(scaffolded: Path) -> None:
    proc = _run(
        _tool("zizmor"), "--offline", "--persona=pedantic", ".github/workflows", cwd=scaffolded
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_catches_template_injection(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "bad.yml").write_text(
        "on: pull_request\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-latest\n"
        '    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n'
    )
    proc = _run(_tool("zizmor"), "--offline", ".github/workflows", cwd=tmp_path)
    assert proc.returncode != 0 and "template-injection" in proc.stdout


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "waivers.yaml").write_text("mine\n")
    result = _init(str(tmp_path))
    assert result.exit_code == 2
    assert "waivers.yaml already exists" in result.stderr
    assert _files(tmp_path) == {"waivers.yaml"}
    assert (tmp_path / "waivers.yaml").read_text() == "mine\n"


def test_init_twice_is_refused(tmp_path: Path) -> None:
    assert _init(str(tmp_path)).exit_code == 0
    before = {p: (tmp_path / p).read_bytes() for p in _files(tmp_path)}
    assert _init(str(tmp_path)).exit_code == 2
    assert {p: (tmp_path / p).read_bytes() for p in _files(tmp_path)} == before


def test_init_never_writes_through_a_symlink_out_of_dir(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".github").symlink_to(outside, target_is_directory=True)
    result = _init(str(repo))
    assert result.exit_code == 2, result.output
    assert "outside" in result.stderr
    assert list(outside.iterdir()) == [] and _files(repo) == set()


def test_with_policies_copies_a_pack_that_loads(tmp_path: Path) -> None:
    result = _init(str(tmp_path), "--with-policies")
    assert result.exit_code == 0, result.output
    pack = load_policy_pack(tmp_path / "policies")
    assert len(pack) > 20


def test_hostile_option_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    result = _init(str(tmp_path), "--schedule", '0 0 * * *"\n  x: 1')
    assert result.exit_code == 2
    assert "--schedule" in result.stderr
    assert _files(tmp_path) == set()
