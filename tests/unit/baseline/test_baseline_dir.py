"""Baselines read one region at a time, when drift compares that region."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.baseline import store
from scanner.errors import InputError

GOOD = """\
account: '111111111111'
region: {region}
resources:
  aws.security-group:
    sg-1:
      GroupName: web
      IpPermissions:
      - IpProtocol: tcp
"""


def write(root: Path, region: str, text: str | None = None) -> Path:
    path = root / "111111111111" / f"{region}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text is not None else GOOD.format(region=region))
    return path


def test_lists_files_without_parsing_them(tmp_path: Path) -> None:
    write(tmp_path, "us-east-1")
    write(tmp_path, "eu-west-1", "account: [")  # broken, and never looked up
    baselines = store.BaselineDir(tmp_path)
    assert sorted(baselines) == [("111111111111", "eu-west-1"), ("111111111111", "us-east-1")]
    assert len(baselines) == 2
    region = baselines[("111111111111", "us-east-1")]
    assert region.resources["aws.security-group"]["sg-1"]["GroupName"] == "web"


def test_a_region_is_parsed_on_each_lookup_and_not_kept(tmp_path: Path) -> None:
    write(tmp_path, "us-east-1")
    baselines = store.BaselineDir(tmp_path)
    first = baselines[("111111111111", "us-east-1")]
    assert baselines[("111111111111", "us-east-1")] is not first


def test_lines_down_to_each_resource(tmp_path: Path) -> None:
    path = write(tmp_path, "us-east-1")
    region = store.BaselineDir(tmp_path)[("111111111111", "us-east-1")]
    assert region.locate("aws.security-group", "sg-1").line == 5
    assert region.locate("aws.security-group", "sg-1", "IpPermissions", 0).line == 5
    assert region.locate("aws.security-group", "sg-9").line == 4
    assert max(len(key) for key in region.lines) == store.RESOURCE_LINES
    full = store.load_dir(tmp_path)[("111111111111", "us-east-1")]
    assert full.locate("aws.security-group", "sg-1", "IpPermissions", 0).line == 8
    assert full.path == region.path == str(path)


def test_a_broken_file_is_an_error_at_its_line_when_looked_up(tmp_path: Path) -> None:
    path = write(tmp_path, "us-east-1", GOOD.format(region="us-east-1") + "  - bad\n")
    baselines = store.BaselineDir(tmp_path)
    with pytest.raises(InputError) as caught:
        baselines[("111111111111", "us-east-1")]
    assert (caught.value.path, caught.value.line) == (str(path), 9)


def test_missing_directory_is_empty_and_stray_files_are_errors(tmp_path: Path) -> None:
    assert len(store.BaselineDir(tmp_path / "absent")) == 0
    (tmp_path / "us-east-1.yaml").write_text("{}")
    with pytest.raises(InputError, match=r"belong in <account>/<region>\.yaml"):
        store.BaselineDir(tmp_path)


def test_a_region_without_a_file_is_missing(tmp_path: Path) -> None:
    write(tmp_path, "us-east-1")
    assert store.BaselineDir(tmp_path).get(("111111111111", "ap-south-1")) is None


def test_membership_and_get_read_the_listing_not_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "us-east-1")
    baselines = store.BaselineDir(tmp_path)

    def broken(*_: object) -> None:
        raise KeyError("a bug while parsing")

    monkeypatch.setattr(store, "_read", broken)
    assert ("111111111111", "us-east-1") in baselines  # nothing parsed
    assert baselines.get(("111111111111", "eu-west-1")) is None
    with pytest.raises(KeyError, match="a bug while parsing"):  # not "no baseline"
        baselines.get(("111111111111", "us-east-1"))
