"""YAML that costs more to read than it weighs: aliases that expand exponentially ("billion
laughs"), an alias inside its own anchor, and nesting deep enough to exhaust a stack. Every
YAML netwarden reads (policies, baselines, accounts, waivers) refuses them at file:line,
exit 2, while the aliases a policy pack really uses (a shared port list) still work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner import yamlio
from scanner.cli import cli
from scanner.errors import InputError

POLICIES = Path(__file__).resolve().parents[3] / "policies"
ACCOUNT = "111111111111"


def laughs(levels: int, prefix: str = "") -> str:
    """Nine aliases of nine, ``levels`` deep: 9**levels nodes once expanded, in ~14 lines.
    Six levels (531,441 nodes) is past the budget but small enough that a reader without the
    check loads it quickly; nine (387 million) is the real bomb."""
    lines = [f'{prefix}l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"{prefix}l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_expansion_beyond_the_budget_is_refused_at_the_alias() -> None:
    text = "a: 1\n" + laughs(6)
    with pytest.raises(InputError) as caught:
        yamlio.load_with_lines(text, "bomb.yaml")
    assert "YAML aliases expand to more than 100000 nodes" in caught.value.message
    # l5's aliases (line 7) are the ones that cross the budget: 9 x 9**5 > 100,000.
    assert (caught.value.path, caught.value.line) == ("bomb.yaml", 7)


def test_the_full_bomb_is_refused_without_expanding_it() -> None:
    with pytest.raises(InputError, match="expand to more than"):
        yamlio.load_with_lines(laughs(9), "bomb.yaml")


@pytest.mark.parametrize(
    "text, line",
    [("a: &a [1, *a]\n", 1), ("a: &a\n  b:\n    c: *a\n", 3), ("- 1\n- &x {k: [*x]}\n", 2)],
)
def test_an_alias_inside_its_own_anchor_is_refused(text: str, line: int) -> None:
    """Without the check this is an endless document: construction never ends."""
    with pytest.raises(InputError, match="recursive YAML alias") as caught:
        yamlio.load_with_lines(text, "loop.yaml")
    assert caught.value.line == line


def test_aliases_within_the_budget_still_mean_what_they_say() -> None:
    text = "ports: &p [22, 3389]\nfirst: *p\nsecond: *p\n"
    data, _ = yamlio.load_with_lines(text, "ok.yaml")
    assert data == {"ports": [22, 3389], "first": [22, 3389], "second": [22, 3389]}
    data["first"].append(1)  # each occurrence is its own list: consumers may change one
    assert data["second"] == [22, 3389]


def test_undefined_alias_and_duplicate_anchor_are_located() -> None:
    with pytest.raises(InputError, match="undefined alias") as caught:
        yamlio.load_with_lines("a: 1\nb: *nope\n", "f.yaml")
    assert caught.value.line == 2
    with pytest.raises(InputError, match="duplicate anchor") as caught:
        yamlio.load_with_lines("a: &x 1\nb: &x 2\n", "f.yaml")
    assert caught.value.line == 2


def test_the_shipped_pack_uses_an_alias_and_still_loads() -> None:
    from scanner.policy.loader import load_policy_pack

    assert "*high_risk_ports" in (POLICIES / "security-groups.yml").read_text()
    assert len(load_policy_pack(POLICIES)) > 0


SNAPSHOT = {
    "schema": "netwarden/snapshot/v1",
    "collected_at": "2026-01-01T00:00:00+00:00",
    "tool_version": "t",
    "stats": {"api_calls": 0, "duration_s": 0},
    "accounts": {ACCOUNT: {"regions": {"us-east-1": {"resources": {}, "errors": []}}}},
}


def _baseline_bomb(tmp_path: Path) -> Path:
    path = tmp_path / "baselines" / ACCOUNT / "us-east-1.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(f"account: '{ACCOUNT}'\nregion: us-east-1\nresources: {{}}\n" + laughs(6))
    return path


def _snapshot(tmp_path: Path) -> str:
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(SNAPSHOT))
    return str(path)


def _assert_refused(result: object, path: Path, line: int) -> None:
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    lines = result.output.strip().splitlines()  # type: ignore[attr-defined]
    assert f"{path}:{line}: " in lines[-1], lines
    assert "Traceback" not in result.output  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", ["diff", "scan"])
def test_a_baseline_bomb_is_exit_2_at_its_line(command: str, tmp_path: Path) -> None:
    bomb = _baseline_bomb(tmp_path)
    extra = ["--policies", str(POLICIES), "-o", str(tmp_path / "out")] if command == "scan" else []
    args = [command, "--snapshot", _snapshot(tmp_path), "--baseline-dir", str(bomb.parents[1])]
    result = CliRunner().invoke(cli, [*args, *extra])
    _assert_refused(result, bomb, 9)
    assert not (tmp_path / "out").exists()


def test_a_policy_bomb_is_exit_2_at_its_line(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    bomb = pack / "bomb.yml"
    bomb.write_text("policies: []\n" + laughs(6))
    result = CliRunner().invoke(cli, ["policies", "validate", "--policies", str(pack)])
    _assert_refused(result, bomb, 7)


def test_a_waivers_bomb_is_exit_2_at_its_line(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers: []\n" + laughs(6))
    result = CliRunner().invoke(
        cli,
        [
            "scan",
            "--snapshot",
            _snapshot(tmp_path),
            "--baseline-dir",
            str(tmp_path / "none"),
            "--policies",
            str(POLICIES),
            "--waivers",
            str(waivers),
            "-o",
            str(tmp_path / "out"),
        ],
    )
    _assert_refused(result, waivers, 7)


def test_an_accounts_bomb_is_exit_2_at_its_line(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text("- profile: p\n" + laughs(6, prefix="  "))
    result = CliRunner().invoke(cli, ["collect", "--accounts", str(accounts), "-o", "s.json"])
    _assert_refused(result, accounts, 7)
