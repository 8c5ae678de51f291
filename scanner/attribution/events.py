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
    """The resource ids a record's request and response name."""
    found: set[str] = set()
    for part in (record.get("requestParameters"), record.get("responseElements")):
        found.update(strings_in(part))
    for resource in record.get("resources") or []:
        if isinstance(resource, Mapping) and resource.get("ARN"):
            found.add(str(resource["ARN"]).rsplit("/", 1)[-1])
    return found


def is_candidate(record: Mapping[str, Any]) -> bool:
    """A successful write call that can change the network."""
    return (
        record.get("eventName") in INTERESTING
        and not record.get("errorCode")
        and record.get("readOnly") is not True
    )


def attribution_of(record: Mapping[str, Any]) -> Attribution:
    identity = record.get("userIdentity") or {}
    principal = identity.get("arn")
    issuer = ((identity.get("sessionContext") or {}).get("sessionIssuer") or {}).get("arn")
    return Attribution(
        principal=principal or issuer or identity.get("principalId"),
        access_key_id=identity.get("accessKeyId"),
        source_ip=record.get("sourceIPAddress"),
        user_agent=record.get("userAgent"),
        event_name=str(record.get("eventName", "")),
        event_time=str(record.get("eventTime", "")),
    )
