"""A boto3 session that answers Custodian's API calls from the snapshot, never from AWS.

Custodian filters such as ``flow-logs`` or ``check-cloudtrail`` call Describe APIs while they
filter. A ``before-call`` handler returns ``(AWSResponse, parsed_body)`` built from the
snapshot's raw items, which botocore accepts as the response, so no request is ever sent.
An operation the snapshot cannot answer raises :class:`SnapshotMiss` naming it.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Mapping
from typing import Any

import boto3
import botocore.session
from botocore.awsrequest import AWSResponse

from scanner.aws.loader import use_shared_loader
from scanner.errors import InputError
from scanner.policy import answers
from scanner.policy.copies import clone_item

SNAPSHOT_URL = "https://snapshot.netwarden.invalid/"

# One session (and so one client per service) per region and thread, for every factory: a
# botocore client costs ~13 ms to build, and evaluation asked for four per (account, region).
# Its handlers answer for the factory last called in the thread (``_local.active``): Custodian
# gets its session from the factory of the block being evaluated, one block at a time.
_local = threading.local()


class SnapshotMiss(InputError):
    """A filter asked for data the snapshot does not hold."""

    def __init__(self, message: str, gap: bool = False) -> None:
        super().__init__(message)
        self.gap = gap  # True when the type is missing because its collection failed


class _CachingSession(boto3.Session):
    """Hands out one client per (service, region): every call is answered locally, so a
    client holds no state worth renewing, and building one costs more than filtering."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[tuple[str, str | None], Any] = {}

    def client(self, service_name: str, region_name: str | None = None, **kwargs: Any) -> Any:
        if kwargs:
            return super().client(service_name, region_name=region_name, **kwargs)
        key = (service_name, region_name)
        if key not in self._clients:
            self._clients[key] = super().client(service_name, region_name=region_name)
        return self._clients[key]


class SnapshotSessionFactory:
    """A Custodian ``session_factory`` for one (account, region) of a snapshot.

    ``served`` lists every operation answered, in order, so tests can assert on them.
    """

    def __init__(self, snapshot: Mapping[str, Any], account: str, region: str) -> None:
        self.snapshot = snapshot
        self.account = account
        self.region = region  # Custodian's local_session() caches sessions by this attribute
        self.served: list[str] = []

    def __call__(self, *args: Any, **kwargs: Any) -> boto3.Session:
        _local.active = self
        sessions: dict[str, _CachingSession] = _local.__dict__.setdefault("sessions", {})
        session = sessions.get(self.region)
        if session is None:
            core = botocore.session.Session()
            use_shared_loader(core)  # service models already parsed by the collector are reused
            core.register("before-parameter-build", _remember_params)
            core.register("before-call", _answer_for_active)
            session = sessions[self.region] = _CachingSession(
                botocore_session=core,
                region_name=self.region,
                # Never used to sign anything: every call is answered before it is sent.
                aws_access_key_id="snapshot",
                aws_secret_access_key="snapshot",
            )
        return session

    def _answer(self, model: Any, context: dict[str, Any], **_: Any) -> tuple[AWSResponse, Any]:
        service = model.service_model.service_name
        operation = model.name
        answer: Callable[..., Any] | None = answers.ANSWERS.get((service, operation))
        if answer is None:
            raise SnapshotMiss(
                f"offline evaluation cannot answer {service}:{operation} from the snapshot "
                "(the policy needs data netwarden does not collect)"
            )
        # A filter may ask another region (a trail's log group lives in the trail's home
        # region): the client's own region is the one answered.
        region = context.get("client_region") or self.region
        view = answers.RegionView(self.snapshot, self.account, region)
        try:
            body = answer(view, context.get("netwarden_params", {}))
        except answers.Unanswerable as exc:
            raise SnapshotMiss(
                f"offline evaluation cannot answer {service}:{operation}: {exc}", gap=exc.gap
            ) from None
        self.served.append(f"{service}:{operation}")
        # A parsed response is the caller's to keep: Custodian's filters annotate what they
        # are given (c7n:MatchedFilters on flow logs), which must never reach the snapshot.
        return AWSResponse(SNAPSHOT_URL, 200, {}, None), _fresh(body)


def _remember_params(params: Mapping[str, Any], context: dict[str, Any], **_: Any) -> None:
    context["netwarden_params"] = dict(params)


def _answer_for_active(model: Any, context: dict[str, Any], **kwargs: Any) -> Any:
    factory: SnapshotSessionFactory = _local.active
    return factory._answer(model, context, **kwargs)


def _fresh(body: Any) -> Any:
    """A response body that shares nothing a filter may change with the snapshot: lists of
    items are copied as evaluation copies the items it filters (a deep copy of every answer
    was a fifth of evaluation time); anything else is copied deeply."""
    if isinstance(body, dict):
        return {
            key: [clone_item(item) for item in value]
            if isinstance(value, list)
            else copy.deepcopy(value)
            for key, value in body.items()
        }
    return copy.deepcopy(body)
