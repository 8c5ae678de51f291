"""The compiled EC2 parser is botocore's parser, faster: same result (key order included)
or the same exception, on generated responses of every compiled operation, regular and
irregular; botocore still parses errors and every operation not compiled.

``make fuzz`` (NETWARDEN_FUZZ=1) runs thousands of examples per property.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from typing import Any

import boto3
import pytest
from botocore.parsers import EC2QueryParser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.aws import ec2parse
from scanner.collect.collectors import COLLECTORS
from tests.unit.collect.ec2xml import (
    MODEL,
    MUTATIONS,
    http_response,
    mutate,
    outcome,
    response_tree,
    value_of,
)

FUZZ = os.environ.get("NETWARDEN_FUZZ") == "1"
PROFILE = settings(
    max_examples=2000 if FUZZ else 12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
OPERATIONS = sorted(ec2parse.OPERATIONS)
REQUEST_IDS = st.sampled_from(("59dbff89-35bd-4eac-99ed-be587EXAMPLE", "", "r"))


def parsers() -> tuple[EC2QueryParser, ec2parse.CompiledEC2Parser]:
    return EC2QueryParser(), ec2parse.CompiledEC2Parser()


def shape_of(operation: str) -> Any:
    return MODEL.operation_model(operation).output_shape


def test_the_compiled_operations_are_the_ones_netwarden_calls() -> None:
    called = {c.api_operation for _, c in COLLECTORS.items() if c.service == "ec2"}
    extra = {
        operation
        for _, c in COLLECTORS.items()
        for service, operation in c.extra_operations
        if service == "ec2"
    }
    assert called | extra | {"DescribeRegions"} == ec2parse.OPERATIONS


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_netwarden_calls_is_compiled(operation: str) -> None:
    # Without this the equality tests below could pass with botocore parsing everything.
    parser = EC2QueryParser()
    assert ec2parse.compiled_output(shape_of(operation), parser._timestamp_parser) is not None


@pytest.mark.parametrize("operation", OPERATIONS)
@PROFILE
@given(data=st.data())
def test_generated_responses_parse_as_botocore_parses_them(operation: str, data: Any) -> None:
    shape = shape_of(operation)
    value = data.draw(value_of(shape), label="value")
    root = response_tree(operation, value, data.draw(REQUEST_IDS, label="request id"))
    response = http_response(ET.tostring(root))
    botocore_parser, compiled = parsers()
    before = ec2parse.STATS.compiled
    expected = outcome(botocore_parser, response, shape)
    assert expected[0] == "ok"
    assert outcome(compiled, response, shape) == expected
    assert ec2parse.STATS.compiled == before + 1  # the compiled path parsed it


@pytest.mark.parametrize("operation", OPERATIONS)
@PROFILE
@given(data=st.data())
def test_irregular_responses_give_botocores_result_or_exception(operation: str, data: Any) -> None:
    shape = shape_of(operation)
    root = response_tree(operation, data.draw(value_of(shape), label="value"), "r-1")
    choices = data.draw(
        st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(MUTATIONS)), max_size=4),
        label="mutations",
    )
    mutate(root, choices)
    response = http_response(ET.tostring(root))
    botocore_parser, compiled = parsers()
    assert outcome(compiled, response, shape) == outcome(botocore_parser, response, shape)


def _security_group_xml(body: str) -> bytes:
    return (
        f'<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        f"<requestId>r-1</requestId>{body}</DescribeSecurityGroupsResponse>"
    ).encode()


def test_a_literal_response_parses_to_the_literal_value() -> None:
    body = _security_group_xml(
        "<securityGroupInfo><item><groupId>sg-1</groupId><groupName>web</groupName>"
        "<ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort>"
        "<toPort>22</toPort><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges>"
        "</item></ipPermissions><tagSet/></item></securityGroupInfo>"
    )
    parsed = ec2parse.CompiledEC2Parser().parse(
        http_response(body), shape_of("DescribeSecurityGroups")
    )
    metadata = parsed.pop("ResponseMetadata")
    assert metadata["RequestId"] == "r-1" and metadata["HTTPStatusCode"] == 200
    assert metadata["HTTPHeaders"]["x-amzn-requestid"] == "r-1"
    assert parsed == {
        "SecurityGroups": [
            {
                "GroupName": "web",
                "IpPermissions": [
                    {
                        "FromPort": 22,
                        "IpProtocol": "tcp",
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                        "ToPort": 22,
                    }
                ],
                "GroupId": "sg-1",
                "Tags": [],
            }
        ]
    }
    # The model's member order, as botocore builds the dict (the XML had another).
    assert list(parsed["SecurityGroups"][0]) == ["GroupId", "Tags", "GroupName", "IpPermissions"]


def test_a_repeated_member_is_left_to_botocore_and_counted() -> None:
    body = _security_group_xml(
        "<securityGroupInfo><item><groupId>sg-1</groupId><groupId>sg-2</groupId></item>"
        "</securityGroupInfo>"
    )
    shape = shape_of("DescribeSecurityGroups")
    before = ec2parse.STATS.fallbacks
    botocore_parser, compiled = parsers()
    assert outcome(compiled, http_response(body), shape) == outcome(
        botocore_parser, http_response(body), shape
    )
    assert ec2parse.STATS.fallbacks == before + 1


def test_errors_are_parsed_by_botocore() -> None:
    body = (
        b"<Response><Errors><Error><Code>UnauthorizedOperation</Code>"
        b"<Message>You are not authorized</Message></Error></Errors>"
        b"<RequestID>r-9</RequestID></Response>"
    )
    shape = shape_of("DescribeVpcs")
    botocore_parser, compiled = parsers()
    before = (ec2parse.STATS.compiled, ec2parse.STATS.fallbacks)
    parsed = compiled.parse(http_response(body, 403), shape)
    assert parsed == botocore_parser.parse(http_response(body, 403), shape)
    assert parsed["Error"]["Code"] == "UnauthorizedOperation"
    assert (ec2parse.STATS.compiled, ec2parse.STATS.fallbacks) == before


def test_an_operation_netwarden_does_not_call_stays_botocores() -> None:
    shape = shape_of("DescribeInstances")
    assert ec2parse.compiled_output(shape, EC2QueryParser()._timestamp_parser) is None


def test_malformed_xml_raises_botocores_error() -> None:
    shape = shape_of("DescribeVpcs")
    botocore_parser, compiled = parsers()
    response = http_response(b"<DescribeVpcsResponse><vpcSet>")
    assert outcome(compiled, response, shape) == outcome(botocore_parser, response, shape)
    assert outcome(compiled, response, shape)[1] == "ResponseParserError"


def _client() -> Any:
    session = boto3.Session(
        aws_access_key_id="x", aws_secret_access_key="y", region_name="us-east-1"
    )
    ec2parse.install(session)
    return session.client("ec2")


def test_install_makes_new_clients_use_the_compiled_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ec2parse.ENV, raising=False)
    factory = _client()._endpoint._response_parser_factory
    assert isinstance(factory.create_parser("ec2"), ec2parse.CompiledEC2Parser)
    assert not isinstance(factory.create_parser("query"), ec2parse.CompiledEC2Parser)


def test_netwarden_parser_botocore_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ec2parse.ENV, "botocore")
    factory = _client()._endpoint._response_parser_factory
    assert not isinstance(factory, ec2parse.CompiledParserFactory)
    assert type(factory.create_parser("ec2")) is EC2QueryParser
