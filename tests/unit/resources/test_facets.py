"""Each type's facets on literal data, including the gaps the catalog closed: an inverse for
every type (six had none), an ARN for every type (two fell back to a guessed EC2 path) and
CloudTrail events for alarms and prefix lists (their drift could never be attributed)."""

from __future__ import annotations

from typing import Any

import pytest

from scanner import resources
from scanner.attribution.events import events_for, is_candidate
from scanner.attribution.match import latest_events
from scanner.baseline.projection import is_live, project
from scanner.baseline.store import RegionBaseline
from scanner.baseline.unproject import snapshot_of
from scanner.drift.engine import Delta
from scanner.model import Location
from scanner.resources import arn_for
from tests.unit.resources.samples import ACCOUNT, SAMPLES

NAMES = [t.name for t in resources.types()]


@pytest.mark.parametrize("name", NAMES)
def test_the_inverse_projects_back_to_the_same_baseline_entry(name: str) -> None:
    rtype = resources.get(name)
    item = SAMPLES[name]
    assert is_live(name, item)
    fields = project(name, item)
    assert fields, "the sample projects to something"
    rid = str(item[rtype.id_key])
    assert rtype.unproject is not None
    rebuilt = {**rtype.unproject(rid, fields, ACCOUNT), rtype.id_key: rid}
    assert project(name, rebuilt) == fields
    assert is_live(name, rebuilt), "the inverse builds a live resource"


def test_review_judges_every_type_of_a_baseline() -> None:
    # Before the catalog, six types of a proposed baseline were silently left out of review.
    entries = {
        name: {str(SAMPLES[name][resources.get(name).id_key]): project(name, SAMPLES[name])}
        for name in NAMES
    }
    baseline = RegionBaseline(ACCOUNT, "us-east-1", "b.yaml", entries)
    region = snapshot_of({(ACCOUNT, "us-east-1"): baseline})["accounts"][ACCOUNT]["regions"]
    judged = region["us-east-1"]
    assert set(judged["resources"]) == set(NAMES)
    assert judged["errors"] == []


@pytest.mark.parametrize(
    ("name", "rid", "expected"),
    [
        (
            "aws.guardduty-detector",
            "det-1",
            "arn:aws:guardduty:eu-west-1:111111111111:detector/det-1",
        ),
        (
            "aws.cloudtrail",
            "arn:aws:cloudtrail:eu-west-1:111111111111:trail/org",
            "arn:aws:cloudtrail:eu-west-1:111111111111:trail/org",
        ),
        ("aws.alarm", "nat-errors", "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:nat-errors"),
        (
            "aws.config-recorder",
            "default",
            "arn:aws:config:eu-west-1:111111111111:config-recorder/default",
        ),
    ],
)
def test_arns_of_the_types_without_an_ec2_path(name: str, rid: str, expected: str) -> None:
    # No item: the ARN comes from the catalog's template alone.
    assert arn_for(name, rid, ACCOUNT, "eu-west-1") == expected


def test_an_unknown_type_has_no_guessed_arn() -> None:
    with pytest.raises(KeyError, match=r"aws\.nonesuch"):
        arn_for("aws.nonesuch", "x-1", ACCOUNT, "us-east-1")


def _delta(name: str, rid: str) -> Delta:
    return Delta(
        account=ACCOUNT,
        region="us-east-1",
        resource_type=name,
        resource_id=rid,
        change="modified",
        severity="medium",
        changes=(),
        location=Location("baselines/111111111111/us-east-1.yaml", 1),
    )


def _record(name: str, when: str, request: Any, response: Any = None) -> dict[str, Any]:
    return {
        "eventTime": when,
        "eventName": name,
        "awsRegion": "us-east-1",
        "recipientAccountId": ACCOUNT,
        "userIdentity": {"arn": f"arn:aws:iam::{ACCOUNT}:user/mallory"},
        "requestParameters": request,
        "responseElements": response,
    }


def test_a_prefix_list_drift_is_attributed_to_the_call_that_changed_it() -> None:
    modify = _record(
        "ModifyManagedPrefixList",
        "2026-12-01T10:00:00Z",
        {"ModifyManagedPrefixListRequest": {"PrefixListId": "pl-1", "MaxEntries": 20}},
    )
    unrelated = _record("DescribeManagedPrefixLists", "2026-12-01T11:00:00Z", {"id": "pl-1"})
    assert is_candidate(modify)
    assert "ModifyManagedPrefixList" in events_for("aws.prefix-list")
    best = latest_events([modify, unrelated], [_delta("aws.prefix-list", "pl-1")])
    assert best == {(ACCOUNT, "us-east-1", "pl-1"): modify}


def test_an_alarm_drift_is_attributed_to_the_call_that_changed_it() -> None:
    disable = _record("DisableAlarmActions", "2026-12-01T10:00:00Z", {"alarmNames": ["nat-errors"]})
    put = _record("PutMetricAlarm", "2026-12-01T09:00:00Z", {"alarmName": "nat-errors"})
    assert is_candidate(disable) and is_candidate(put)
    best = latest_events([put, disable], [_delta("aws.alarm", "nat-errors")])
    assert best == {(ACCOUNT, "us-east-1", "nat-errors"): disable}


def test_a_recording_recorder_rebuilt_from_a_baseline_passes_custodians_status_read() -> None:
    # Custodian's check-config filter reads status.lastStatus of a recording recorder; a
    # proposed baseline without it crashed `review` (KeyError 'lastStatus').
    inverse = resources.get("aws.config-recorder").unproject
    assert inverse is not None
    on = inverse("default", {"recording": True}, ACCOUNT)["status"]
    assert on["recording"] and on["lastStatus"].lower() in ("pending", "success")
    off = inverse("default", {"recording": False}, ACCOUNT)["status"]
    assert off == {"name": "default", "recording": False}
