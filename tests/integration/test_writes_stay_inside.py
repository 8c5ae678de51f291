"""No command writes outside the directory it was given (issue 11): each writing command runs
as a user runs it, in an empty working directory with HOME and TMPDIR pointed elsewhere, and
afterwards the only new paths anywhere in the test's tree are under its output directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import AwsEnv
from tests.integration.demo_run import DemoRun, differences, without_timestamps

ROOT = Path(__file__).resolve().parents[2]
POLICIES = str(ROOT / "policies")
NETWARDEN = [sys.executable, "-m", "scanner"]


def tree(root: Path) -> set[Path]:
    return set(root.rglob("*"))


class Sandbox:
    """tmp/{cwd,home,tmp,in}: where a command may not write; outputs go to tmp/out-N."""

    def __init__(self, root: Path, endpoint_url: str | None) -> None:
        self.root = root
        self.cwd, self.home, self.tmp, self.inputs = (
            root / name for name in ("cwd", "home", "tmp", "in")
        )
        for directory in (self.cwd, self.home, self.tmp, self.inputs):
            directory.mkdir()
        self.env = {
            **os.environ,
            "HOME": str(self.home),
            "TMPDIR": str(self.tmp),
            "PYTHONPATH": str(ROOT),
            "NETWARDEN_DEBUG": "1",
        }
        self.env.pop("XDG_CACHE_HOME", None)
        self.env.pop("XDG_CONFIG_HOME", None)
        if endpoint_url:
            self.env["AWS_ENDPOINT_URL"] = endpoint_url
        self.count = 0

    def output(self) -> Path:
        self.count += 1
        return self.root / f"out-{self.count}"

    def run(self, out: Path, *args: str, ok: tuple[int, ...] = (0, 1)) -> None:
        before = tree(self.root)
        proc = subprocess.run(
            [*NETWARDEN, *args],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert proc.returncode in ok, proc.stdout[-2000:] + proc.stderr[-3000:]
        after = tree(self.root)
        outside = sorted(p for p in after - before if out != p and out not in p.parents)
        assert not outside, f"{args[0]} wrote outside {out}: {outside}"
        assert before - after == set(), f"{args[0]} removed {sorted(before - after)}"
        assert out.exists(), f"{args[0]} wrote nothing to {out}"


@pytest.fixture
def sandbox(aws: AwsEnv, tmp_path: Path) -> Sandbox:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    return Sandbox(tmp_path, aws.endpoint_url)


def test_no_writing_command_writes_outside_its_directory(sandbox: Sandbox) -> None:
    box = sandbox
    regions = ["--regions", "us-east-1"]
    # collect -o: the snapshot file only (its directory is created).
    out = box.output()
    box.run(out, "collect", *regions, "-o", str(out / "snapshot.json"), ok=(0,))
    snapshot = box.inputs / "snapshot.json"
    snapshot.write_bytes((out / "snapshot.json").read_bytes())
    # baseline create: under --baseline-dir only.
    out = box.output()
    box.run(
        out, "baseline", "create", "--snapshot", str(snapshot), "--baseline-dir", str(out), ok=(0,)
    )
    baselines = box.inputs / "baselines"
    subprocess.run(["cp", "-r", str(out), str(baselines)], check=True)
    # scan -o: the reports only (a scan that collects, so the collection's temporaries count).
    out = box.output()
    box.run(
        out,
        "scan",
        *regions,
        "--baseline-dir",
        str(baselines),
        "--policies",
        POLICIES,
        "-o",
        str(out),
        "--format",
        "sarif,markdown,json,html",
    )
    shard = box.inputs / "shard"
    subprocess.run(["cp", "-r", str(out), str(shard)], check=True)
    # report merge -o.
    out = box.output()
    box.run(out, "report", "merge", str(shard), "--policies", POLICIES, "-o", str(out))
    # remediate plan --plan-out: the plan file only.
    out = box.output()
    box.run(
        out,
        "remediate",
        "--snapshot",
        str(snapshot),
        "--baseline-dir",
        str(baselines),
        "--policies",
        POLICIES,
        "--include-policy-fixes",
        "--plan-out",
        str(out / "plan.json"),
    )
    # init DIRECTORY: the scaffold only.
    out = box.output()
    box.run(out, "init", str(out), "--with-policies", ok=(0,))


def test_the_demo_writes_only_under_its_output_directory(tmp_path: Path, demo_run: DemoRun) -> None:
    box = Sandbox(tmp_path, None)
    out = box.output()
    box.run(out, "demo", "-o", str(out), "--policies", POLICIES, ok=(0,))
    # And it is the session's other demo run, byte for byte but for the timestamps (moto's
    # ids are seeded; remediation, which that run adds, comes after the reports): what the
    # demo shows changes only when the code does (issue 12: behaviour unchanged).
    assert demo_run.exit_code == 0, demo_run.output
    this, that = without_timestamps(out), without_timestamps(demo_run.output_dir)
    assert this == that, differences(this, that)


def test_the_check_sees_a_write_to_the_working_directory(aws: AwsEnv, tmp_path: Path) -> None:
    """The check can fail: a scan without -o writes reports/ in the working directory."""
    box = Sandbox(tmp_path, aws.endpoint_url)
    out = box.output()
    with pytest.raises(AssertionError, match="wrote outside"):
        box.run(out, "scan", "--regions", "us-east-1", "--policies", POLICIES)
    assert (box.cwd / "reports").is_dir()


def test_policies_writes_nothing_but_its_memory_of_validated_packs(tmp_path: Path) -> None:
    """``policies validate|list`` write one file, the keys of the packs that passed
    (scanner.policy.validated), under the user's cache directory; nothing else anywhere."""
    box = Sandbox(tmp_path, None)
    memory = box.home / ".cache" / "netwarden" / "validated-packs"
    for command in ("validate", "list", "list"):
        before = tree(box.root)
        proc = subprocess.run(
            [*NETWARDEN, "policies", command, "--policies", POLICIES],
            cwd=box.cwd,
            env=box.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        new = tree(box.root) - before
        assert new <= {memory, memory.parent, memory.parent.parent}, sorted(new)
    assert memory.is_file() and len(memory.read_text().split()) == 1
