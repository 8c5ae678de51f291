"""A 2xx body that is not the API's document is refused before botocore parses it into an
empty result (issue 11, defect 1)."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.parsers import ResponseParserError

from scanner.aws.responses import UnparseableResponse, body_problem, check_response
from scanner.collect.collectors import COLLECTORS
from scanner.collect.units import MalformedResponse, checked_items, error_record

EC2_VPCS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
    b"<requestId>1</requestId><vpcSet/></DescribeVpcsResponse>"
)
HTML = b"<!DOCTYPE html><html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"


@pytest.mark.parametrize(
    ("protocol", "operation", "body"),
    [
        ("ec2", "DescribeVpcs", EC2_VPCS),
        ("ec2", "DescribeVpcs", b"<DescribeVpcsResponse><vpcSet/></DescribeVpcsResponse>"),
        ("query", "GetCallerIdentity", b"<!-- hi --><GetCallerIdentityResponse/>"),
        ("query", "GetCallerIdentity", b"<a:GetCallerIdentityResponse xmlns:a='x'/>"),
        ("json", "DescribeTrails", b'{"trailList": []}'),
        ("json", "DescribeTrails", b" {} \n"),
        ("rest-json", "ListDetectors", b'{"detectorIds": ["d"]}'),
        ("rest-xml", "ListBuckets", b"<html/>"),  # not checked: roots vary per operation
    ],
)
def test_the_apis_own_documents_pass(protocol: str, operation: str, body: bytes) -> None:
    assert body_problem(protocol, operation, body, body_expected=True) is None


@pytest.mark.parametrize(
    ("protocol", "operation", "body", "says"),
    [
        ("ec2", "DescribeVpcs", HTML, "root element <html>"),
        ("ec2", "DescribeVpcs", b"", "is not XML"),
        ("ec2", "DescribeVpcs", b"Service Unavailable", "is not XML"),
        ("ec2", "DescribeVpcs", EC2_VPCS.replace(b"DescribeVpcs", b"DescribeSubnets"), "<Desc"),
        ("ec2", "DescribeVpcs", b"<Response><Errors/></Response>", "root element <Response>"),
        ("json", "DescribeTrails", b'{"trailList": [{"Name": "t"', "not valid JSON"),
        ("json", "DescribeTrails", b"", "empty body"),
        ("json", "DescribeTrails", b"[]", "not a JSON object"),
        ("json", "DescribeTrails", b"\xff\xfe{}", "not valid JSON"),
        ("rest-json", "ListDetectors", HTML, "not valid JSON"),
    ],
)
def test_anything_else_is_named(protocol: str, operation: str, body: bytes, says: str) -> None:
    problem = body_problem(protocol, operation, body, body_expected=True)
    assert problem is not None and says in problem


def test_an_empty_body_is_right_when_the_output_has_no_body_members() -> None:
    assert body_problem("rest-json", "TagResource", b"", body_expected=False) is None


def test_the_excerpt_of_a_hostile_body_is_one_printable_line() -> None:
    problem = body_problem("ec2", "DescribeVpcs", b"<x>\x1b]0;owned\x07\n" + b"A" * 5000, True)
    assert problem is not None
    assert "\x1b" not in problem and "\n" not in problem and len(problem) < 200


def _operation(service: str, name: str) -> Any:
    return botocore.session.get_session().get_service_model(service).operation_model(name)


def test_the_handler_raises_a_parser_error_for_a_200_html_page() -> None:
    response = {"status_code": 200, "headers": {}, "body": HTML}
    with pytest.raises(UnparseableResponse) as raised:
        check_response(_operation("ec2", "DescribeVpcs"), response)
    assert isinstance(raised.value, ResponseParserError)
    assert "DescribeVpcs: HTTP 200" in str(raised.value)


def test_the_handler_leaves_errors_and_good_answers_to_botocore() -> None:
    operation = _operation("cloudtrail", "DescribeTrails")
    check_response(operation, {"status_code": 200, "headers": {}, "body": b'{"trailList":[]}'})
    # A 4xx/5xx body is botocore's to parse into a ClientError, whatever it holds.
    check_response(operation, {"status_code": 503, "headers": {}, "body": HTML})


def test_items_without_their_id_are_a_malformed_response() -> None:
    vpcs = COLLECTORS.get("aws.vpc")
    assert checked_items(vpcs, [{"VpcId": "vpc-1"}]) == [{"VpcId": "vpc-1"}]
    for bad in ({"CidrBlock": "10.0.0.0/16"}, "vpc-1", {"VpcId": 5}):
        with pytest.raises(MalformedResponse):
            checked_items(vpcs, [bad])
    # ListDetectors answers bare ids; they become objects in its enrich step.
    assert checked_items(COLLECTORS.get("aws.guardduty-detector"), ["d-1"]) == ["d-1"]


def test_every_unreadable_answer_is_one_error_code() -> None:
    for exc in (ResponseParserError("invalid XML"), UnparseableResponse("X", 200, "is bad")):
        assert error_record("aws.vpc", exc)["code"] == "UnparseableResponse"
