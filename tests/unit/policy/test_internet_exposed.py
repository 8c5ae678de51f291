"""`internet-exposed` on literal worlds: the engine's exposures selected by ports,
protocols, families and approved, and the permissions that admit them annotated."""

from __future__ import annotations

from typing import Any

from scanner.policy.filters.exposure import ANNOTATION, RULES, exposed_interfaces
from tests.unit.exposure import worlds as w


def matched(world: dict[str, Any], **data: Any) -> list[str]:
    enis = world.pop("aws.eni")
    return [e["NetworkInterfaceId"] for e in exposed_interfaces(enis, world, data)]


def two_interfaces() -> dict[str, Any]:
    """eni-1: SSH and ESP from the internet; eni-2 (sg-2): HTTPS only, and IPv6."""
    world = w.world(
        routes=[
            w.route("10.0.0.0/16", "local"),
            w.route("0.0.0.0/0", "igw-1"),
            w.route("::/0", "igw-1"),
        ],
        perms=[w.perm(ports=(22, 22)), w.perm("50", None)],
        enis=[
            w.eni(),
            w.eni(
                "eni-2", groups=["sg-2"], publics=[("10.0.1.6", "203.0.113.11")], v6=["2001:db8::6"]
            ),
        ],
    )
    world["aws.security-group"].append(w.group("sg-2", [w.perm(ports=(443, 443), v6=["::/0"])]))
    return world


def test_ports_protocols_and_families_select() -> None:
    assert matched(two_interfaces()) == ["eni-1", "eni-2"]
    assert matched(two_interfaces(), ports=[22, 3389]) == ["eni-1"]
    assert matched(two_interfaces(), ports=[443]) == ["eni-2"]
    assert matched(two_interfaces(), ports=[22], protocols=["udp"]) == []
    # ESP has no ports: never matched by a port, always by its number.
    assert matched(two_interfaces(), ports=[50]) == []
    assert matched(two_interfaces(), protocols=["50"]) == ["eni-1"]
    assert matched(two_interfaces(), families=["ipv6"]) == ["eni-2"]


def test_approved_ports_leave_only_what_is_off_the_list() -> None:
    assert matched(two_interfaces(), approved=[80, 443]) == ["eni-1"]  # 22 and ESP
    assert matched(two_interfaces(), approved=[22, 80, 443]) == ["eni-1"]  # ESP is never approved
    world = two_interfaces()
    world["aws.security-group"][0]["IpPermissions"] = [w.perm(ports=(22, 22))]
    assert matched(world, approved=[22, 443]) == []


def test_a_cut_path_matches_nothing() -> None:
    blocked = w.world(routes=[w.route("10.0.0.0/16", "local"), w.route("0.0.0.0/0", "nat-1")])
    assert matched(blocked) == []
    no_ip = w.world(enis=[w.eni(publics=[("10.0.1.5", None)])])
    assert matched(no_ip) == []


def test_the_annotations_name_the_path_and_each_admitting_permission() -> None:
    world = w.world(perms=[w.perm(ports=(20, 25)), w.perm(ports=(22, 22), cidrs=["10.0.0.0/8"])])
    second = w.group("sg-2", [w.perm(ports=(0, 65535), cidrs=["198.51.100.0/24"])])
    world["aws.security-group"].append(second)
    world["aws.eni"] = [w.eni(groups=["sg-1", "sg-2"])]
    enis = world.pop("aws.eni")
    [eni] = exposed_interfaces(enis, world, {"ports": [22]})
    # Only the record that holds 22: 20-25, from the internet through both groups.
    [first] = eni[ANNOTATION]
    assert (first["Protocol"], first["FromPort"], first["ToPort"]) == ("tcp", 20, 25)
    assert first["Address"] == "203.0.113.10"
    assert first["Path"][-1] == "aws.eni eni-1: 203.0.113.10 -> 10.0.1.5 (public IP)"
    # The 10.0.0.0/8 rule admits nothing from the internet: not a permission to revoke.
    assert eni[RULES] == [
        {
            "SecurityGroup": "sg-1",
            "IpPermission": world["aws.security-group"][0]["IpPermissions"][0],
        },
        {"SecurityGroup": "sg-2", "IpPermission": second["IpPermissions"][0]},
    ]


def test_the_finding_message_names_the_address_traffic_and_rules() -> None:
    from scanner.policy.evidence import summarize

    enis = (world := w.world()).pop("aws.eni")
    [eni] = exposed_interfaces(enis, world, {"ports": [22]})
    text = summarize({ANNOTATION: eni[ANNOTATION], RULES: eni[RULES]})
    assert text == (
        "reachable from the internet: 203.0.113.10 on tcp/22 from the internet (any public "
        "address); admitted by sg-1 (tcp 22 from 0.0.0.0/0)"
    )
