"""The files ``netwarden init`` writes, as text (pure: options in, ``{path: text}`` out).

Workflows come from templates in ``templates/`` with ``@@NAME@@`` placeholders (GitHub's own
``${{ }}`` expressions stay untouched). Every value put into a template must match a strict
pattern in full first, so nothing a user types can become YAML structure or shell code.
Third-party actions are pinned to full commit SHAs (the tag in a comment), as zizmor and
GitHub's hardening guide ask: a tag can be moved, a commit cannot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from scanner.errors import InputError

# action -> (commit, tag). Tags resolved from the actions' own repositories.
ACTIONS: Mapping[str, tuple[str, str]] = {
    "CHECKOUT": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "SETUP_PYTHON": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "CONFIGURE_AWS": ("e6de054238d6b7531b4efff3b6587d9aade6a06c", "v6.2.3"),
    "UPLOAD_ARTIFACT": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
    "DOWNLOAD_ARTIFACT": ("3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", "v8.0.1"),
    "UPLOAD_SARIF": ("8aad20d150bbac5944a9f9d289da16a4b0d87c1e", "v4.36.2"),
}

NIGHTLY = ".github/workflows/netwarden-nightly.yml"
REVIEW = ".github/workflows/netwarden-review.yml"
# Template name -> path in the company repository.
TEMPLATES: Mapping[str, str] = {
    "netwarden-nightly.yml": NIGHTLY,
    "netwarden-review.yml": REVIEW,
    "waivers.yaml": "waivers.yaml",
    "accounts.example.yaml": "accounts.example.yaml",
    "baselines-README.md": "baselines/README.md",
}

_CRON_FIELD = r"[0-9*/,\-]+"
_CRON = re.compile(rf"{_CRON_FIELD}( {_CRON_FIELD}){{4}}")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]")
_PYTHON = re.compile(r"3\.1[1-9]")
# A pip requirement: a name with an optional version specifier or a plain https/file URL.
_SPEC = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-\[\],]*([=<>!~]=?[A-Za-z0-9.*+!\-]+)?")
_CATEGORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,63}")
SEVERITIES = ("critical", "high", "medium", "low", "info", "none")


@dataclass(frozen=True)
class InitOptions:
    """What a user may choose for the generated workflows."""

    shards: int = 1
    schedule: str = "23 4 * * *"
    aws_region: str = "us-east-1"
    python: str = "3.12"
    netwarden_spec: str = "netwarden"
    fail_on: str = "high"
    category: str = "netwarden"
    review_category: str = "netwarden-review"

    def check(self) -> None:
        """Raise InputError naming the first option whose value is not allowed."""
        if not 1 <= self.shards <= 256:
            raise InputError(f"--shards: {self.shards} is not between 1 and 256")
        for flag, value, pattern in (
            ("--schedule", self.schedule, _CRON),
            ("--aws-region", self.aws_region, _REGION),
            ("--python", self.python, _PYTHON),
            ("--netwarden-spec", self.netwarden_spec, _SPEC),
            ("--category", self.category, _CATEGORY),
            ("--category", self.review_category, _CATEGORY),
        ):
            if not pattern.fullmatch(value):
                raise InputError(f"{flag}: {value!r} is not allowed here")
        if self.fail_on not in SEVERITIES:
            raise InputError(f"--fail-on: {self.fail_on!r} is not one of {', '.join(SEVERITIES)}")


def _values(options: InitOptions) -> dict[str, str]:
    values = {name: f"{sha} # {tag}" for name, (sha, tag) in ACTIONS.items()}
    values.update(
        SCHEDULE=options.schedule,
        SHARDS=str(options.shards),
        SHARD_LIST=", ".join(str(k) for k in range(1, options.shards + 1)),
        PYTHON=options.python,
        NETWARDEN_SPEC=options.netwarden_spec,
        AWS_REGION=options.aws_region,
        FAIL_ON=options.fail_on,
        CATEGORY=options.category,
        REVIEW_CATEGORY=options.review_category,
    )
    return values


_PLACEHOLDER = re.compile(r"@@([A-Z_]+)@@")


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace every ``@@NAME@@``; an unknown name is a bug in the template."""

    def one(match: re.Match[str]) -> str:
        return values[match.group(1)]

    return _PLACEHOLDER.sub(one, template)


def template_text(name: str) -> str:
    return (resources.files("scanner.scaffold") / "templates" / name).read_text("utf-8")


def scaffold(options: InitOptions) -> dict[str, str]:
    """``{relative path: text}`` of every file ``netwarden init`` writes."""
    options.check()
    values = _values(options)
    return {path: fill(template_text(name), values) for name, path in TEMPLATES.items()}
