"""Remediation: concrete API actions (and the matching AWS CLI) that put things back."""
