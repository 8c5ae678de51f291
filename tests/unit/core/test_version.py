"""``scanner.__version__`` without importlib.metadata: the quick look at ``sys.path`` reads the
same ``Version`` importlib.metadata would, and hands anything unusual back to it."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

import scanner
from scanner.cli import cli


def _dist(directory: Path, name: str, metadata: str | None) -> None:
    info = directory / name
    info.mkdir(parents=True)
    if metadata is not None:
        (info / "METADATA").write_text(metadata)


def test_the_installed_version_is_importlib_metadatas() -> None:
    assert scanner._metadata_version() == version("netwarden")


def test_version_option_prints_what_click_version_option_printed() -> None:
    result = CliRunner().invoke(cli, ["--version"], prog_name="netwarden")
    assert (result.exit_code, result.output) == (0, f"netwarden, version {version('netwarden')}\n")


def test_the_first_entry_holding_netwarden_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _dist(
        first,
        "netwarden-2.0.0.dist-info",
        "Metadata-Version: 2.3\nName: netwarden\nVersion: 2.0.0rc1\n\nbody\n",
    )
    _dist(
        second,
        "netwarden-1.0.0.dist-info",
        "Metadata-Version: 2.3\nName: netwarden\nVersion: 1.0.0\n",
    )
    (first / "netwarden.log").write_text("")  # a report in the working directory is no distribution
    _dist(first, "other-9.dist-info", "Version: 9\n")
    monkeypatch.setattr("sys.path", [str(tmp_path / "missing"), str(first), str(second)])
    assert scanner._metadata_version() == "2.0.0rc1"
    monkeypatch.setattr("sys.path", [str(second), str(first)])
    assert scanner._metadata_version() == "1.0.0"


@pytest.mark.parametrize(
    ("names", "metadata"),
    [
        (["netwarden.egg-info"], "Version: 1\n"),  # an egg-info: importlib.metadata's layout
        (["netwarden-1.dist-info", "netwarden-2.dist-info"], "Version: 1\n"),  # two: its choice
        (["netwarden-1.dist-info"], "Name: netwarden\n\nVersion: 1\n"),  # no Version header
        (["netwarden-1.dist-info"], None),  # no METADATA file
        (["Netwarden-1.0-py3.11.egg"], "Version: 1\n"),
    ],
)
def test_anything_unusual_is_left_to_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: list[str], metadata: str | None
) -> None:
    for name in names:
        _dist(tmp_path, name, metadata)
    monkeypatch.setattr("sys.path", [str(tmp_path)])
    assert scanner._metadata_version() is None


def test_nothing_installed_is_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.path", [str(tmp_path)])
    assert scanner._metadata_version() is None
