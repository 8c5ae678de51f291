"""Accounts to scan and the boto3 sessions/clients that reach them.

One boto3 Session per account, created on the main thread (sessions are not thread-safe);
clients are created once per (service, region) under a lock and then shared by the
worker threads (clients are thread-safe).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import (
    AssumeRoleCredentialFetcher,
    DeferredRefreshableCredentials,
)
from botocore.exceptions import NoCredentialsError

from scanner import __version__
from scanner.aws import ec2parse
from scanner.aws.calls import CallCounter
from scanner.aws.loader import use_shared_loader
from scanner.aws.responses import install as check_responses

DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class AccountTarget:
    """How to reach one account: a profile, and optionally a role to assume from it."""

    role_arn: str | None = None
    external_id: str | None = None
    profile: str | None = None
    name: str | None = None

    @property
    def account_hint(self) -> str | None:
        """The account id named by the role ARN, known before any call succeeds."""
        if self.role_arn and self.role_arn.count(":") >= 5:
            return self.role_arn.split(":")[4]
        return None

    @property
    def label(self) -> str:
        return (
            self.name or self.role_arn or (f"profile {self.profile}" if self.profile else "default")
        )


@dataclass
class AwsContext:
    """Everything needed to build clients: endpoint, pool size, the shared call counter."""

    endpoint_url: str | None = None
    max_workers: int = 16
    counter: CallCounter = field(default_factory=CallCounter)
    # Accounts whose identity could not be read, by role account id or label.
    failed_sessions: dict[str, AccountSession] = field(default_factory=dict)

    @property
    def effective_endpoint(self) -> str | None:
        return self.endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None

    connect_timeout: float = 10
    read_timeout: float = 60

    def client_config(self) -> Config:
        return Config(
            retries=retry_config(os.environ),
            max_pool_connections=max(self.max_workers, 10),
            user_agent_extra=f"netwarden/{__version__}",
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
        )


def retry_config(environ: Mapping[str, str]) -> dict[str, Any]:
    """netwarden's retry defaults (adaptive, 10 attempts: a scan of many regions meets
    throttling), except where the standard ``AWS_RETRY_MODE`` / ``AWS_MAX_ATTEMPTS`` set
    them: a key left out is read, and checked, by botocore from the environment."""
    retries: dict[str, Any] = {}
    if not environ.get("AWS_RETRY_MODE"):
        retries["mode"] = "adaptive"
    if not environ.get("AWS_MAX_ATTEMPTS"):
        retries["max_attempts"] = 10
    return retries


class AccountSession:
    """A boto3 session for one account with a thread-safe client cache."""

    def __init__(self, target: AccountTarget, context: AwsContext) -> None:
        self.target = target
        self.context = context
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}
        self.counter = CallCounter()  # this account's calls, for per-account stats
        base = boto3.Session(profile_name=target.profile)
        use_shared_loader(base)
        ec2parse.install(base)
        check_responses(base.events)
        context.counter.attach(base.events)
        self.counter.attach(base.events)
        self.default_region = base.region_name or DEFAULT_REGION
        if target.role_arn:
            self.session = self._assumed_session(base, target)
            check_responses(self.session.events)
            context.counter.attach(self.session.events)
            self.counter.attach(self.session.events)
        else:
            self.session = base

    def _assumed_session(self, base: Any, target: AccountTarget) -> Any:
        # Refreshable credentials: a long scan over many regions outlives one hour's token.
        endpoint = self.context.effective_endpoint
        config = self.context.client_config()

        def client_creator(service: str, **kwargs: Any) -> Any:
            kwargs.setdefault("region_name", self.default_region)
            return base.client(service, endpoint_url=endpoint, config=config, **kwargs)

        extra: dict[str, Any] = {"RoleSessionName": "netwarden"}
        if target.external_id:
            extra["ExternalId"] = target.external_id
        source = base.get_credentials()
        if source is None:  # botocore would fail later, and not as a credentials error
            raise NoCredentialsError()
        fetcher = AssumeRoleCredentialFetcher(
            client_creator=client_creator,
            source_credentials=source,
            role_arn=target.role_arn,
            extra_args=extra,
        )
        credentials = DeferredRefreshableCredentials(
            refresh_using=fetcher.fetch_credentials, method="assume-role"
        )
        # A bare botocore session: boto3.Session below registers boto3's handlers on it, and
        # a second registration (from another boto3.Session) breaks every S3 client.
        botocore_session = botocore.session.get_session()
        if target.profile:
            botocore_session.set_config_variable("profile", target.profile)
        use_shared_loader(botocore_session)
        ec2parse.install(botocore_session)
        botocore_session._credentials = credentials
        return boto3.Session(botocore_session=botocore_session, region_name=self.default_region)

    def forget_clients(self) -> None:
        """Drop every client: a forked worker process must open its own connections rather
        than share the parent's sockets."""
        self._lock = threading.Lock()
        self._clients = {}

    def client(self, service: str, region: str | None = None) -> Any:
        key = (service, region or self.default_region)
        # A client made already is handed out without the lock: a dict read is atomic, and
        # the lock serialises the making of clients (sessions are not thread-safe), which
        # takes milliseconds of CPU each; a collection thread that wants a client that
        # exists must not queue behind another thread making one for another region.
        made = self._clients.get(key)
        if made is not None:
            return made
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self.session.client(
                    service,
                    region_name=key[1],
                    endpoint_url=self.context.effective_endpoint,
                    config=self.context.client_config(),
                )
                self._clients[key] = client
            return client

    def account_id(self) -> str:
        identity = self.client("sts").get_caller_identity()
        return str(identity["Account"])

    def enabled_regions(self) -> list[str]:
        """Regions enabled for the account: not requiring opt-in, or opted in."""
        response = self.client("ec2").describe_regions(
            AllRegions=False,
            Filters=[{"Name": "opt-in-status", "Values": ["opt-in-not-required", "opted-in"]}],
        )
        return sorted(r["RegionName"] for r in response["Regions"])
