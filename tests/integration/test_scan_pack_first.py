"""The rule pack is validated before any AWS call, also now that a collecting scan validates it
in a forked process while it sets up (``scanner.pipeline.PendingPack``): a bad pack is exit 2
with the very error a validation in-process gives, no request reaches AWS, and it is still
the error reported when other input is bad too."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.cli import run
from scanner.demo.server import Middleware, MotoServer, WsgiApp
from scanner.errors import InputError
from scanner.pipeline import PendingPack
from scanner.policy.loader import load_policy_pack
from tests.conftest import point_aws_at

POLICIES = Path(__file__).resolve().parents[2] / "policies"


class Requests:
    """Every signed request the server saw."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: list[str] = []

    def middleware(self) -> Middleware:
        def wrap(app: WsgiApp) -> WsgiApp:
            def counted(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
                if environ.get("HTTP_AUTHORIZATION"):
                    with self.lock:
                        self.seen.append(str(environ.get("PATH_INFO")))
                return app(environ, start_response)

            return counted

        return wrap


@pytest.fixture(scope="module")
def counted() -> Iterator[tuple[str, Requests]]:
    requests = Requests()
    server = MotoServer(requests.middleware())
    server.start()
    yield server.url, requests
    server.stop()


def bad_pack(tmp_path: Path) -> Path:
    """The shipped pack with one policy whose filter Custodian's schema rejects."""
    pack = tmp_path / "policies"
    shutil.copytree(POLICIES, pack)
    (pack / "zz-broken.yml").write_text(
        "policies:\n"
        "  - name: broken\n"
        "    resource: aws.security-group\n"
        "    filters:\n"
        "      - type: no-such-filter\n"
    )
    return pack


def scan(url: str, pack: Path, out: Path, regions: str = "us-east-1") -> int:
    flags = ["--endpoint-url", url, "--regions", regions, "--policies", str(pack)]
    return run(
        ["scan", *flags, "--baseline-dir", str(out / "baselines"), "-o", str(out / "reports")]
    )


def test_a_bad_pack_fails_before_any_aws_call_with_its_own_error(
    counted: tuple[str, Requests],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, requests = counted
    point_aws_at(monkeypatch, url)
    pack = bad_pack(tmp_path)
    with pytest.raises(InputError) as direct:
        load_policy_pack(pack)
    before = len(requests.seen)
    assert scan(url, pack, tmp_path) == 2
    assert str(direct.value) in capsys.readouterr().err
    assert requests.seen[before:] == []
    assert not (tmp_path / "reports").exists()


def test_a_bad_pack_is_the_error_even_when_a_region_is_bad_too(
    counted: tuple[str, Requests],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The region name is checked offline while the pack is still being validated; the
    pack's error comes first, as when the pack was validated before anything else."""
    url, requests = counted
    point_aws_at(monkeypatch, url)
    pack = bad_pack(tmp_path)
    with pytest.raises(InputError) as direct:
        load_policy_pack(pack)
    before = len(requests.seen)
    assert scan(url, pack, tmp_path, regions="us-esat-1") == 2
    err = capsys.readouterr().err
    assert str(direct.value) in err
    assert "us-esat-1" not in err
    assert requests.seen[before:] == []


def test_a_good_pack_then_a_bad_region_is_the_region_error(
    counted: tuple[str, Requests],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, requests = counted
    point_aws_at(monkeypatch, url)
    before = len(requests.seen)
    assert scan(url, POLICIES, tmp_path, regions="us-esat-1") == 2
    assert "--regions: unknown region 'us-esat-1' (did you mean" in (capsys.readouterr().err)
    # Only DescribeRegions (a name botocore does not know may be newer than botocore).
    assert len(requests.seen) - before <= 1


def test_the_pack_validated_in_a_fork_is_the_pack() -> None:
    with PendingPack(str(POLICIES)) as pending:
        forked = pending.result()
    assert forked == load_policy_pack(POLICIES)


def test_a_pending_bad_pack_raises_the_error_of_an_in_process_load(tmp_path: Path) -> None:
    pack = bad_pack(tmp_path)
    with pytest.raises(InputError) as direct:
        load_policy_pack(pack)
    with PendingPack(str(pack)) as pending, pytest.raises(InputError) as forked:
        pending.result()
    assert (str(forked.value), forked.value.path, forked.value.line) == (
        str(direct.value),
        direct.value.path,
        direct.value.line,
    )
