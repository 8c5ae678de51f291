"""The distribution as a user gets it: `python -m build` makes an sdist and, from it, a wheel;
the wheel installed into a fresh venv runs `init`, `demo`, `policies list` and
`scan --snapshot` from an empty directory, with the rule pack that ships inside it.

Slow (a build and a fresh install with every dependency, a few minutes); part of make test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

# This machine's pip configuration names index mirrors that may not exist; pip says so on
# every install. Those lines are the environment's, not the package's.
ENVIRONMENT_NOISE = re.compile(r"WARNING: Location '.*' is ignored")


def _run(argv: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "VIRTUAL_ENV"))}
    env.update(NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False, env=env
    )


def _problems(stderr: str) -> list[str]:
    lines = [line for line in stderr.splitlines() if not ENVIRONMENT_NOISE.search(line)]
    return [line for line in lines if re.search(r"warn|deprecat", line, re.IGNORECASE)]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    proc = _run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], cwd=out)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert not _problems(proc.stderr), _problems(proc.stderr)
    return out


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel (and its demo extra) installed; returns its bin/."""
    venv = tmp_path_factory.mktemp("venv")
    base = getattr(sys, "_base_executable", sys.executable)
    assert _run([base, "-m", "venv", str(venv)], cwd=venv).returncode == 0
    [wheel] = dist.glob("netwarden-*.whl")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    proc = _run([*pip, f"{wheel}[demo]"], cwd=venv)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert not _problems(proc.stderr), _problems(proc.stderr)
    return venv / "bin"


def test_the_wheel_carries_the_pack_the_iam_policy_and_the_license(dist: Path) -> None:
    [wheel] = dist.glob("netwarden-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.name for p in (ROOT / "policies").glob("*.yml")}
    assert {f"scanner/data/policies/{name}" for name in shipped} <= names
    assert "scanner/data/iam-policy.json" in names
    assert "scanner/schemas/snapshot.schema.json" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "scanner/scaffold/templates/netwarden-nightly.yml" in names
    metadata = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith(".dist-info/METADATA")))
        .decode()
    )
    assert "License-Expression: Apache-2.0" in metadata
    assert "Classifier: Topic :: Security" in metadata
    [sdist] = dist.glob("netwarden-*.tar.gz")
    assert sdist.stat().st_size > 0


def test_installed_wheel_runs_without_a_checkout(installed: Path, tmp_path: Path) -> None:
    netwarden = str(installed / "netwarden")
    work = tmp_path / "company"  # an empty directory: no policies/, no checkout
    work.mkdir()

    init = _run([netwarden, "init", "."], cwd=work)
    assert init.returncode == 0, init.stderr
    assert (work / ".github" / "workflows" / "netwarden-nightly.yml").is_file()
    assert (work / "netwarden-iam-policy.json").is_file()

    listing = _run([netwarden, "policies", "list"], cwd=work)
    assert listing.returncode == 0, listing.stderr
    assert "installed with netwarden" in listing.stderr
    assert str(installed.parent) in listing.stderr  # the pack inside the venv
    assert "NW-SG-002" in listing.stdout

    demo = _run([netwarden, "demo", "-o", "demo"], cwd=work)
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    for name in ("netwarden.sarif", "report.md", "findings.json", "snapshot.json"):
        assert (work / "demo" / name).is_file(), name

    scan = _run(
        [
            netwarden,
            "scan",
            "--snapshot",
            "demo/snapshot.json",
            "--baseline-dir",
            "demo/baselines",
            "-o",
            "scan",
        ],
        cwd=work,
    )
    assert scan.returncode == 1, scan.stderr  # the demo's incident: findings at high
    findings = json.loads((work / "scan" / "findings.json").read_text())
    assert findings["summary"]["total"] > 0
    assert findings["summary"]["by_kind"]["drift"] == 7
    assert not any(p.name == "policies" for p in work.iterdir())
