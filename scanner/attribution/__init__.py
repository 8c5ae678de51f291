"""Who made each change: CloudTrail events matched to drift deltas."""
