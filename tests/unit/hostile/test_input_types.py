"""Small input faults that were tracebacks, exit 3 or silent drift (issue 11, item 10): each
is exit 2 naming the file and line (or the ref), and nothing is written."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.aws.accounts import targets_from_file
from scanner.baseline import store
from scanner.cli import cli
from scanner.errors import InputError
from scanner.policy.loader import load_policy_pack

ACCOUNT = "111111111111"
REGION = "us-east-1"
BASELINE = """\
account: '111111111111'
region: us-east-1
resources:
  aws.security-group:
    sg-1:
      GroupName: web
      ingress:
      - protocol: tcp
        from_port: 22
        to_port: 22
        cidr: 10.0.0.0/8
      egress: []
      tags:
        team: web
"""


def run(args: list[str]) -> Any:
    return CliRunner().invoke(cli, args)


def parse(text: str) -> store.RegionBaseline:
    return store.parse(text, "b.yaml", ACCOUNT, REGION)


def test_the_baseline_above_is_valid() -> None:
    assert parse(BASELINE).resources["aws.security-group"]["sg-1"]["ingress"][0]["from_port"] == 22


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("    sg-1:", "    123:", 5, "resource id 123 is not a string"),
        ("    sg-1:", "    true:", 5, "resource id True is not a string"),
        ("      ingress:\n      - protocol", "      ingress: 5\n      x:\n      - protocol", 7, ""),
        ("      egress: []", "      egress: 5", 12, "egress must be a list, not int"),
        ("      egress: []", "      egress: {a: 1}", 12, "egress must be a list, not dict"),
        ("      egress: []", "      egress: [5]", 12, "egress[0] must be a mapping"),
        ("      egress: []", "      egress: [{protocol: [1]}]", 12, "egress[0].protocol must be"),
        ("      tags:\n        team: web", "      tags: [web]", 13, "tags must be a mapping"),
        ("      - protocol: tcp", "      - proto: tcp", 8, "ingress[0] has no 'protocol'"),
        ("        from_port: 22", "        from_port: '22'", 9, "ingress[0].from_port must be an"),
        ("        to_port: 22\n", "", 8, "ingress[0] has no 'to_port'"),
        ("        team: web", "        team: [web]", 14, "tags.team must be"),
    ],
)
def test_a_wrongly_typed_baseline_field_is_exit_2_at_its_line(
    old: str, new: str, line: int, message: str, tmp_path: Path
) -> None:
    text = BASELINE.replace(old, new)
    assert text != BASELINE
    if "x:" in new:  # ingress: 5 with the rules left under another key
        text = BASELINE.replace("      ingress:\n", "      ingress: 5\n      stray:\n")
        message, line = "ingress must be a list, not int", 7
    with pytest.raises(InputError) as caught:
        parse(text)
    assert caught.value.path == "b.yaml"
    assert caught.value.line == line, caught.value
    assert message in caught.value.message
    # Through the CLI: exit 2 at file:line, not drift and not a traceback.
    baselines = tmp_path / "baselines" / ACCOUNT
    baselines.mkdir(parents=True)
    (baselines / f"{REGION}.yaml").write_text(text)
    result = run(["baseline", "lint", "--baseline-dir", str(tmp_path / "baselines")])
    assert result.exit_code == 2, result.output
    assert f"{REGION}.yaml:{line}:" in result.output


def test_a_non_utf8_baseline_is_exit_2(tmp_path: Path) -> None:
    baselines = tmp_path / "baselines" / ACCOUNT
    baselines.mkdir(parents=True)
    (baselines / f"{REGION}.yaml").write_bytes(BASELINE.encode().replace(b"web\n", b"w\xe9b\n", 1))
    result = run(["baseline", "lint", "--baseline-dir", str(tmp_path / "baselines")])
    assert result.exit_code == 2, result.output
    assert "UTF-8" in result.output


def test_a_non_utf8_snapshot_is_exit_2_at_its_line(tmp_path: Path) -> None:
    doc = {"schema": "netwarden/snapshot/v1", "accounts": {}}
    text = json.dumps(doc, indent=1).encode().replace(b"accounts", b"acc\xffounts")
    (tmp_path / "snapshot.json").write_bytes(text)
    result = run(["scan", "--snapshot", str(tmp_path / "snapshot.json"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert "snapshot.json:3: not UTF-8" in result.output
    assert not (tmp_path / "o").exists()


ACCOUNTS = """\
accounts:
  - name: prod
    role_arn: arn:aws:iam::111111111111:role/audit
    external_id: my-external-id
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("external_id: my-external-id", "external_id: [1]", "external_id must be a string"),
        ("external_id: my-external-id", "external_id: 12345", "external_id must be a string"),
        ("external_id: my-external-id", "external_id: 'a b'", "external_id must be 2 to 1224"),
        ("name: prod", "name: {a: 1}", "name must be a string"),
        ("name: prod", "name: prod\n    profile: [x]", "profile must be a string"),
        ("name: prod", "name: prod\n    account_id: 12", "account_id: '12' is not"),
        ("name: prod", "name: prod\n    account_id: ../x", "account_id: '../x' is not"),
    ],
)
def test_a_wrongly_typed_accounts_entry_is_exit_2_at_its_line(
    old: str, new: str, message: str, tmp_path: Path
) -> None:
    (tmp_path / "accounts.yaml").write_text(ACCOUNTS.replace(old, new))
    with pytest.raises(InputError) as caught:
        targets_from_file(tmp_path / "accounts.yaml", None)
    assert message in caught.value.message
    assert caught.value.line and caught.value.line > 1
    result = run(
        ["collect", "--accounts", str(tmp_path / "accounts.yaml"), "-o", str(tmp_path / "s.json")]
    )
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "s.json").exists()


def test_an_accounts_entry_with_null_and_boolean_keys_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "accounts.yaml").write_text("accounts:\n- null: 1\n  false: 2\n")
    with pytest.raises(InputError, match="unknown key 'False'"):
        targets_from_file(tmp_path / "accounts.yaml", None)


def test_an_unquoted_account_id_still_reads(tmp_path: Path) -> None:
    (tmp_path / "accounts.yaml").write_text(ACCOUNTS + "    account_id: 111111111111\n")
    assert targets_from_file(tmp_path / "accounts.yaml", None)[0].name == "prod"


def test_a_non_utf8_accounts_file_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "accounts.yaml").write_bytes(ACCOUNTS.encode().replace(b"prod", b"pr\xc3od"))
    result = run(
        ["collect", "--accounts", str(tmp_path / "accounts.yaml"), "-o", str(tmp_path / "s.json")]
    )
    assert result.exit_code == 2, result.output
    assert "accounts.yaml:2: not UTF-8" in result.output


def test_a_region_name_with_an_accent_is_exit_2(tmp_path: Path) -> None:
    result = run(["collect", "--regions", "eu-w\u00e9st-1", "-o", str(tmp_path / "s.json")])
    assert result.exit_code == 2, result.output
    assert "--regions" in result.output
    assert not (tmp_path / "s.json").exists()


@pytest.mark.slow  # git init
def test_review_names_a_missing_base_ref_and_suggests_git_fetch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "baselines").mkdir()
    result = run(["review", "--base", "no-such-ref", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "'no-such-ref'" in result.output
    assert "git fetch" in result.output


@pytest.mark.slow  # git init
def test_review_refuses_a_base_that_reads_as_a_git_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    result = run(["review", "--base", "--output=x", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("key", ["?", "1", "true"])
def test_a_policy_key_that_is_not_a_name_is_exit_2_at_its_line(key: str, tmp_path: Path) -> None:
    # Found by the loader fuzzing: Custodian's parser joined a null key into its message.
    (tmp_path / "pack.yml").write_text(
        "policies:\n- name: p\n  resource: aws.security-group\n" + f"  {key}: x\n"
        if key != "?"
        else "policies:\n- name: p\n  resource: aws.security-group\n  ?\n"
    )
    with pytest.raises(InputError) as caught:
        load_policy_pack(tmp_path)
    assert caught.value.line in (2, 4), caught.value
    assert "is not a name" in caught.value.message


def test_a_route_without_its_target_is_exit_2_at_its_line() -> None:
    # Found by the loader fuzzing: review's read-back of the route was a KeyError.
    text = (
        "account: '111111111111'\nregion: us-east-1\nresources:\n  aws.route-table:\n"
        "    rtb-1:\n      routes:\n      - destination: 0.0.0.0/0\n"
    )
    with pytest.raises(InputError, match="routes\\[0\\] has no 'target'") as caught:
        parse(text)
    assert caught.value.line == 7
