"""``netwarden init``'s library call: which files, written all at once, never over one that
exists and never outside the directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.errors import InputError
from scanner.scaffold.files import NIGHTLY, REVIEW, InitOptions
from scanner.scaffold.repository import (
    IAM_POLICY,
    default_spec,
    init_repository,
    repository_files,
    write_repository,
)


def test_the_repository_has_the_scaffold_and_the_iam_policy() -> None:
    files = repository_files(InitOptions())
    assert {NIGHTLY, REVIEW, "waivers.yaml", "baselines/README.md", IAM_POLICY} <= set(files)
    assert not [path for path in files if path.startswith("policies/")]
    assert '"Version"' in files[IAM_POLICY]


def test_with_policies_the_installed_pack_is_copied() -> None:
    files = repository_files(InitOptions(), with_policies=True)
    pack = {path: text for path, text in files.items() if path.startswith("policies/")}
    assert pack and all(path.endswith((".yml", ".yaml")) for path in pack)
    assert all("policies:" in text for text in pack.values())


def test_a_bad_option_is_refused_before_any_file_is_made(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--schedule"):
        init_repository(tmp_path / "repo", InitOptions(schedule="every night"))
    assert not (tmp_path / "repo").exists()


def test_the_files_are_written_below_the_directory(tmp_path: Path) -> None:
    written = write_repository(tmp_path / "repo", {"a.txt": "a\n", "b/c.yaml": "c: 1\n"})
    assert sorted(written) == [tmp_path / "repo" / "a.txt", tmp_path / "repo" / "b" / "c.yaml"]
    assert (tmp_path / "repo" / "b" / "c.yaml").read_text() == "c: 1\n"


def test_one_existing_file_means_none_is_written(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("mine\n")
    with pytest.raises(InputError, match=r"b\.txt already exists.*1 of 2 files exist"):
        write_repository(tmp_path, {"a.txt": "a\n", "b.txt": "theirs\n"})
    assert (tmp_path / "b.txt").read_text() == "mine\n"
    assert not (tmp_path / "a.txt").exists()


def test_nothing_is_written_through_a_link_out_of_the_directory(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".github").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InputError, match="outside"):
        write_repository(repo, {"a.txt": "a\n", ".github/workflows/x.yml": "x\n"})
    assert list(outside.iterdir()) == [] and list(repo.iterdir()) == [repo / ".github"]


def test_a_file_in_place_of_the_directory_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "repo").write_text("")
    with pytest.raises(InputError, match="is not a directory"):
        write_repository(tmp_path / "repo", {"a.txt": "a\n"})


def test_the_default_spec_pins_what_runs() -> None:
    spec = default_spec()
    assert spec == "netwarden" or spec.startswith("netwarden==")
