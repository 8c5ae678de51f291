"""Which CloudTrail events can cause drift, and how to match one to a delta (pure). Each
type's events are its ``events`` facet in scanner/resources/.

Matching is by event name and by the resource id appearing anywhere in the event's request
parameters or response elements: CloudTrail's EC2 shapes vary by call (``groupId``,
``DeleteFlowLogsRequest.FlowLogId.content``, ``responseElements.internetGateway...``), and the
id is the one thing every shape carries.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from scanner import resources
from scanner.model import Attribution


def events_for(rtype: str) -> frozenset[str]:
    """The CloudTrail events that can change a resource of ``rtype`` (its catalog facet)."""
    return resources.get(rtype).events if rtype in resources.CATALOG else frozenset()


INTERESTING = frozenset().union(*(t.events for t in resources.types()))


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside a JSON value (dict values and list items, recursively)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def mentioned_ids(record: Mapping[str, Any]) -> set[str]:
    """The resource ids a record's request and response name (a well-formed record: see
    ``problem``)."""
    found: set[str] = set()
    for part in (record.get("requestParameters"), record.get("responseElements")):
        found.update(strings_in(part))
    for resource in record.get("resources") or []:
        if isinstance(resource, Mapping) and resource.get("ARN"):
            found.add(str(resource["ARN"]).rsplit("/", 1)[-1])
    return found


# The fields attribution reads, each a string when present. Anyone who can write the trail's
# bucket writes these records: a field of another type is a forged or broken record.
_TEXT_FIELDS = (
    "eventName",
    "eventTime",
    "awsRegion",
    "recipientAccountId",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
)
_IDENTITY_TEXT = ("arn", "principalId", "accessKeyId", "accountId")


def _bad(value: Any, kind: type | tuple[type, ...]) -> bool:
    return value is not None and not isinstance(value, kind)


def problem(record: Any) -> str | None:
    """The JSON path (from the record) of the first field attribution reads that has the
    wrong type, or None when the record is well formed."""
    if not isinstance(record, Mapping):
        return "$"
    for name in _TEXT_FIELDS:
        if _bad(record.get(name), str):
            return f"$.{name}"
    if _bad(record.get("readOnly"), bool):
        return "$.readOnly"
    identity = record.get("userIdentity")
    if _bad(identity, Mapping):
        return "$.userIdentity"
    identity = identity or {}
    for name in _IDENTITY_TEXT:
        if _bad(identity.get(name), str):
            return f"$.userIdentity.{name}"
    context = identity.get("sessionContext")
    if _bad(context, Mapping):
        return "$.userIdentity.sessionContext"
    issuer = (context or {}).get("sessionIssuer")
    if _bad(issuer, Mapping):
        return "$.userIdentity.sessionContext.sessionIssuer"
    if _bad((issuer or {}).get("arn"), str):
        return "$.userIdentity.sessionContext.sessionIssuer.arn"
    resources = record.get("resources")
    if _bad(resources, list):
        return "$.resources"
    for index, resource in enumerate(resources or []):
        if not isinstance(resource, Mapping) or _bad(resource.get("ARN"), str):
            return f"$.resources[{index}]"
    return None


def screen(record: Any) -> bool | str:
    """True for a well-formed candidate (a successful write call that can change the
    network), False for a record attribution does not need, or the JSON path of the bad
    field of a malformed record that might have been one."""
    name = record.get("eventName") if isinstance(record, Mapping) else None
    if not isinstance(record, Mapping) or _bad(name, str):
        return problem(record) or "$"
    if name not in INTERESTING:
        return False
    found = problem(record)
    return found if found is not None else is_candidate(record)


def is_candidate(record: Mapping[str, Any]) -> bool:
    """A successful write call that can change the network (a well-formed record)."""
    return (
        record.get("eventName") in INTERESTING
        and not record.get("errorCode")
        and record.get("readOnly") is not True
    )


def attribution_of(record: Mapping[str, Any]) -> Attribution:
    """Who made the change a well-formed record describes."""
    identity = record.get("userIdentity") or {}
    principal = identity.get("arn")
    issuer = ((identity.get("sessionContext") or {}).get("sessionIssuer") or {}).get("arn")
    return Attribution(
        principal=principal or issuer or identity.get("principalId"),
        access_key_id=identity.get("accessKeyId"),
        source_ip=record.get("sourceIPAddress"),
        user_agent=record.get("userAgent"),
        event_name=str(record.get("eventName") or ""),
        event_time=str(record.get("eventTime") or ""),
    )
