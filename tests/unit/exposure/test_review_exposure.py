"""`review` on a proposed baseline: the changed line of a rule that makes an instance
reachable from the internet says so, as critical drift (pure: baselines in, findings out)."""

from __future__ import annotations

import copy
from pathlib import Path

from scanner.baseline import store
from scanner.policy.loader import load_policy_pack
from scanner.review import review_findings
from tests.unit.exposure import worlds as w
from tests.unit.exposure.test_drift import base, snapshot

POLICIES = str(Path(__file__).resolve().parents[3] / "policies")


def test_review_says_what_the_change_makes_reachable(tmp_path: Path) -> None:
    before = base(perms=[w.perm(ports=(443, 443))])
    after = copy.deepcopy(before)
    after["aws.security-group"][0]["IpPermissions"].append(w.perm(ports=(22, 22)))
    for name, world in (("old", before), ("new", after)):
        store.write_all(tmp_path / name, sorted(store.project_snapshot(snapshot(world)).items()))
    old = store.load_dir(tmp_path / "old")
    new = store.load_dir(tmp_path / "new", line_depth=None)
    pack = load_policy_pack(POLICIES)
    deltas, findings = review_findings(old, new, pack, lambda a, r: f"{a}/{r}.yaml")
    [drift] = [f for f in findings if f.kind == "drift"]
    assert (drift.rule_id, drift.resource_id, drift.severity) == (
        "drift/modified",
        "sg-1",
        "critical",
    )
    # The baseline records the instance behind the interface: it is what review names.
    assert drift.message.endswith(
        "This change makes i-1 (web-1) reachable from the internet on tcp/22."
    )
    # On the changed line of the proposed file: the added rule.
    [delta] = deltas
    assert drift.location == delta.location
    lines = Path(drift.location.path).read_text().splitlines()
    assert "from_port: 22" in "\n".join(lines[drift.location.line - 1 : drift.location.line + 3])


def test_a_baseline_written_before_attachments_were_recorded_names_the_interface(
    tmp_path: Path,
) -> None:
    """Older baselines have no ``instance`` on their interfaces: they still load, and review
    falls back to the interface's id (with its Name tag)."""
    before = base(perms=[w.perm(ports=(443, 443))])
    after = copy.deepcopy(before)
    after["aws.security-group"][0]["IpPermissions"].append(w.perm(ports=(22, 22)))
    for name, world in (("old", before), ("new", after)):
        entries = store.project_snapshot(snapshot(world))
        for baseline in entries.values():
            for fields in baseline.get("aws.eni", {}).values():
                fields.pop("instance", None)
        store.write_all(tmp_path / name, sorted(entries.items()))
    assert "instance:" not in (tmp_path / "new" / w.ACCOUNT / f"{w.REGION}.yaml").read_text()
    old = store.load_dir(tmp_path / "old")
    new = store.load_dir(tmp_path / "new", line_depth=None)
    pack = load_policy_pack(POLICIES)
    _, findings = review_findings(old, new, pack, lambda a, r: f"{a}/{r}.yaml")
    [drift] = [f for f in findings if f.kind == "drift"]
    assert drift.message.endswith(
        "This change makes eni-1 (web-1) reachable from the internet on tcp/22."
    )


def test_reviews_policy_findings_follow_reachability_as_scans_do(tmp_path: Path) -> None:
    """An open SSH rule on the public interface's group is critical and says what it
    exposes; the same rule on a group whose interface has no public address is lowered."""
    latent_eni = w.eni(eni_id="eni-2", groups=("sg-2",), publics=(("10.0.1.6", None),))
    before = base(
        perms=[w.perm(ports=(443, 443))],
        extra={"aws.security-group": [w.group("sg-2", [w.perm(ports=(443, 443))])]},
    )
    before["aws.eni"].append(latent_eni)
    after = copy.deepcopy(before)
    for group in after["aws.security-group"]:
        group["IpPermissions"].append(w.perm(ports=(22, 22)))
    for name, world in (("old", before), ("new", after)):
        store.write_all(tmp_path / name, sorted(store.project_snapshot(snapshot(world)).items()))
    old = store.load_dir(tmp_path / "old")
    new = store.load_dir(tmp_path / "new", line_depth=None)
    _, findings = review_findings(old, new, load_policy_pack(POLICIES), lambda a, r: "x")
    ssh = {f.resource_id: f for f in findings if f.kind == "policy" and f.rule_id == "NW-SG-002"}
    assert set(ssh) == {"sg-1", "sg-2"}
    assert ssh["sg-1"].severity == "critical"
    assert ssh["sg-1"].exposure is not None and ssh["sg-1"].exposure["reachable"] is True
    assert "Reachable from the internet: i-1 (web-1)" in ssh["sg-1"].message
    assert ssh["sg-2"].severity == "medium"  # critical, lowered
    assert ssh["sg-2"].exposure == {
        "reachable": False,
        "enis": ["eni-2"],
        "blocked_by": "eni-2: no public IPv4 address",
    }
    assert "severity lowered from critical" in ssh["sg-2"].message
