"""`netwarden baseline lint`: parses (else exit 2 at file:line) and canonical (else exit 1)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from scanner.baseline import store
from scanner.cli import cli

RESOURCES = {
    "aws.security-group": {
        "sg-0b": {"GroupName": "web", "VpcId": "vpc-1", "Ingress": ["tcp/443 0.0.0.0/0"]},
        "sg-0a": {"GroupName": "db", "VpcId": "vpc-1", "Ingress": []},
    },
    "aws.vpc": {"vpc-1": {"CidrBlock": "10.0.0.0/16"}},
}


def _lint(directory: Path) -> object:
    return CliRunner().invoke(cli, ["baseline", "lint", "--baseline-dir", str(directory)])


def test_a_baseline_netwarden_wrote_is_clean(tmp_path: Path) -> None:
    store.write_all(tmp_path, [(("123456789012", "eu-west-1"), RESOURCES)])
    result = _lint(tmp_path)
    assert result.exit_code == 0, result.output
    assert "1 baseline file(s) are valid" in result.stderr


def test_a_reordered_file_is_exit_1_at_the_first_differing_line(tmp_path: Path) -> None:
    [path] = store.write_all(tmp_path, [(("123456789012", "eu-west-1"), RESOURCES)])
    lines = path.read_text().splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if "sg-0a:" in line)
    second = next(i for i, line in enumerate(lines) if "sg-0b:" in line)
    # Swap the two security groups' blocks: same data, another order.
    block_a, block_b = lines[first:second], lines[second : second + (second - first) + 1]
    end = second + len(block_b)
    reordered = lines[:first] + lines[second:end] + block_a + lines[end:]
    path.write_text("".join(reordered))
    assert (
        store.parse(path.read_text(), str(path)).resources
        == store.parse("".join(lines), str(path)).resources
    )
    result = _lint(tmp_path)
    assert result.exit_code == 1, result.output
    assert f"{path}:{first + 1}: not in the form netwarden writes" in result.stderr


def test_a_broken_file_is_exit_2_at_its_line(tmp_path: Path) -> None:
    [path] = store.write_all(tmp_path, [(("123456789012", "eu-west-1"), RESOURCES)])
    path.write_text(path.read_text().replace("region: eu-west-1", "region: [oops"))
    result = _lint(tmp_path)
    assert result.exit_code == 2
    assert str(path) in result.stderr and "Traceback" not in result.output


def test_no_baseline_is_exit_2(tmp_path: Path) -> None:
    assert _lint(tmp_path).exit_code == 2
