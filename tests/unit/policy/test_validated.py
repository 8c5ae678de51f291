"""The memory of validated packs (``scanner.policy.validated``): a pack is read without
Custodian only when these exact bytes passed under this exact code, and a bad pack is judged
every time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.commands.policies import policies
from scanner.errors import InputError
from scanner.policy import loader, validated
from scanner.policy.loader import load_policy_pack
from tests.unit.policy.conftest import POLICIES
from tests.unit.policy.test_loader import policy, write


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home / "netwarden" / validated.FILE_NAME


def _no_validation(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record (and refuse) every call of the validating half of the loader."""
    calls: list[str] = []

    def refuse(*_: object, **__: object) -> None:
        calls.append("validated")
        raise InputError("validated again", "pack", 1)

    for name in ("_check_structure", "_check_schema", "_check_policy"):
        monkeypatch.setattr(loader, name, refuse)
    return calls


def test_a_pack_that_passed_is_read_again_without_validation_and_equal(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validated_pack = load_policy_pack(POLICIES, memo="use")
    assert cache.read_text().split() == [validated.key(validated_pack.digest)]
    calls = _no_validation(monkeypatch)
    remembered = load_policy_pack(POLICIES, memo="use")
    assert calls == []
    assert remembered == validated_pack  # every policy, its data, lines and the digest
    assert [p.data for p in remembered] == [p.data for p in validated_pack]


def test_without_use_the_pack_is_validated_even_when_remembered(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_policy_pack(POLICIES, memo="use")
    calls = _no_validation(monkeypatch)
    for memo in ("off", "record"):
        with pytest.raises(InputError, match="validated again"):
            load_policy_pack(POLICIES, memo=memo)  # type: ignore[arg-type]
    assert calls == ["validated", "validated"]


def test_off_neither_reads_nor_writes_the_memory(cache: Path) -> None:
    load_policy_pack(POLICIES)
    assert not cache.exists()


def test_a_changed_byte_is_validated_again_and_rejected_at_its_line(
    cache: Path, tmp_path: Path
) -> None:
    good = write(tmp_path, "sg.yml", policy(filters="      - type: ingress\n        Ports: [22]"))
    assert len(load_policy_pack(tmp_path, memo="use")) == 1
    assert cache.exists()
    write(tmp_path, "sg.yml", policy(filters="      - type: ingresz\n        Ports: [22]"))
    with pytest.raises(InputError) as caught:
        load_policy_pack(tmp_path, memo="use")
    assert (caught.value.path, caught.value.line) == (str(good), 5)
    assert "ingresz" in str(caught.value)


def test_a_failure_is_never_remembered(cache: Path, tmp_path: Path) -> None:
    write(tmp_path, "bad.yml", policy(filters="      - type: flow-logz"))
    for _ in range(2):
        with pytest.raises(InputError, match="flow-logz"):
            load_policy_pack(tmp_path, memo="use")
    assert not cache.exists()


def test_the_key_is_the_bytes_the_code_and_the_installed_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = tmp_path / "scanner"
    (code / "policy").mkdir(parents=True)
    module = code / "policy" / "loader.py"
    module.write_text("x = 1\n")
    monkeypatch.setattr(validated, "_PACKAGE", code)
    site = tmp_path / "site-packages"
    (site / "c7n-0.9.40.dist-info").mkdir(parents=True)
    monkeypatch.setattr("sys.path", ["script-dir", str(site)])
    first = validated.key("a" * 64)
    assert validated.key("a" * 64) == first
    assert validated.key("b" * 64) != first  # another pack
    module.write_text("x = 2\n")  # an edit in an editable install
    edited = validated.key("a" * 64)
    assert edited != first
    os.utime(module, ns=(1, 1))  # the same size, touched: another install of the code
    touched = validated.key("a" * 64)
    assert touched != edited
    (site / "c7n-0.9.40.dist-info").rename(site / "c7n-0.9.41.dist-info")  # another Custodian
    assert validated.key("a" * 64) != touched
    before = validated.key("a" * 64)
    cached = code / "policy" / "__pycache__"
    cached.mkdir()
    (cached / "loader.cpython-311.pyc").write_bytes(b"compiled")
    assert validated.key("a" * 64) == before  # bytecode written on first run is not new code
    monkeypatch.setattr("sys.path", ["another-working-dir", str(site)])
    assert validated.key("a" * 64) == before  # sys.path[0] is where the command runs


def test_the_memory_keeps_the_most_recent_keys(cache: Path) -> None:
    keys = [f"{n:064x}" for n in range(validated.KEEP + 5)]
    for k in keys:
        validated.remember(k)
    kept = cache.read_text().split()
    assert kept == keys[-validated.KEEP :]
    assert validated.known(keys[-1]) and not validated.known(keys[0])
    validated.remember(keys[-validated.KEEP])  # remembered again: now the most recent
    assert cache.read_text().split()[-1] == keys[-validated.KEEP]
    assert len(cache.read_text().split()) == validated.KEEP


def test_a_memory_that_cannot_be_kept_only_means_validating_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_dir))
    assert load_policy_pack(POLICIES, memo="use") == load_policy_pack(POLICIES)
    assert not validated.known(validated.key(load_policy_pack(POLICIES).digest))
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("HOME", raising=False)
    assert validated.cache_file() is None
    validated.remember("0" * 64)  # nowhere to keep it: nothing happens
    assert load_policy_pack(POLICIES, memo="use") == load_policy_pack(POLICIES)


def test_a_garbled_memory_is_no_memory(cache: Path) -> None:
    cache.parent.mkdir(parents=True)
    pack_key = validated.key(load_policy_pack(POLICIES).digest)
    cache.write_bytes(b"\xff\xfe" + pack_key.encode() + b"\n")
    assert not validated.known(pack_key)
    cache.write_text(pack_key[:-1] + "\n")
    assert not validated.known(pack_key)


def test_list_output_is_the_same_validated_or_remembered(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = CliRunner().invoke(policies, ["list", "--policies", str(POLICIES)])
    assert first.exit_code == 0, first.output
    assert cache.exists()
    calls = _no_validation(monkeypatch)
    second = CliRunner().invoke(policies, ["list", "--policies", str(POLICIES)])
    assert calls == []
    assert (second.exit_code, second.stdout, second.stderr) == (0, first.stdout, first.stderr)
    # `validate` is asked to judge: it does, whatever the memory says.
    judged = CliRunner().invoke(policies, ["validate", "--policies", str(POLICIES)])
    assert judged.exit_code == 2 and "validated again" in judged.stderr
    assert calls == ["validated"]


def test_validate_remembers_a_pass_for_list(cache: Path) -> None:
    result = CliRunner().invoke(policies, ["validate", "--policies", str(POLICIES)])
    assert result.exit_code == 0, result.output
    assert validated.known(validated.key(load_policy_pack(POLICIES).digest))
