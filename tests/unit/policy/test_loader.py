"""Loading the rule pack: Custodian's schema plus netwarden's metadata, errors at file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.errors import InputError
from scanner.policy.loader import PolicyPack, load_policy_pack
from scanner.policy.metadata import COMPLIANCE_PATTERNS

METADATA = """    metadata:
      id: {id}
      title: Open SSH
      severity: high
      description: d
      risk: r
      remediation:
        text: revoke
        actions:
          - description: revoke {{resource_id}}
            cli: aws ec2 revoke-security-group-ingress --group-id {{resource_id}}
            api:
              service: ec2
              operation: RevokeSecurityGroupIngress
              params: {{GroupId: "{{resource_id}}"}}
      compliance: [{compliance}]
      references: [https://example.com/ssh]
"""


def policy(
    name: str = "ssh-open",
    filters: str = "      - type: ingress\n        Ports: [22]",
    rule_id: str = "NW-SG-900",
    compliance: str = "CIS-AWS-5.2, FSBP-EC2.13",
) -> str:
    return (
        f"  - name: {name}\n    resource: aws.security-group\n    filters:\n{filters}\n"
        + METADATA.format(id=rule_id, compliance=compliance)
    )


def write(directory: Path, name: str, *policies: str) -> Path:
    path = directory / name
    path.write_text("policies:\n" + "".join(policies))
    return path


def error_of(directory: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_policy_pack(directory)
    return caught.value


def test_the_shipped_pack_is_valid(pack: PolicyPack) -> None:
    assert len(pack) >= 20
    assert len({p.metadata.id for p in pack}) == len(pack)
    assert len(pack.digest) == 64
    for p in pack:
        assert p.resource_type.startswith("aws.")
        for ref in p.metadata.compliance:
            assert any(rx.match(ref) for rx in COMPLIANCE_PATTERNS.values()), ref


def test_pack_policies_lines_and_digest(tmp_path: Path) -> None:
    write(tmp_path, "b.yml", policy("b-one", rule_id="NW-SG-901"))
    write(tmp_path, "a.yaml", policy("a-one"), policy("a-two", rule_id="NW-SG-902"))
    (tmp_path / "notes.txt").write_text("ignored")
    pack = load_policy_pack(tmp_path)
    assert [(Path(p.path).name, p.name, p.line) for p in pack] == [
        ("a.yaml", "a-one", 2),
        ("a.yaml", "a-two", 24),
        ("b.yml", "b-one", 2),
    ]
    assert pack.policies[0].metadata.compliance == ("CIS-AWS-5.2", "FSBP-EC2.13")
    digest = pack.digest
    write(tmp_path, "b.yml", policy("b-one", rule_id="NW-SG-903"))
    assert load_policy_pack(tmp_path).digest != digest


def test_yaml_syntax_error_has_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_text("policies:\n  - name: x\n    resource: [unclosed\n")
    err = error_of(tmp_path)
    assert (err.path, err.line) == (str(path), 4)
    assert str(err).startswith(f"{path}:4: YAML syntax error")


def test_unknown_filter(tmp_path: Path) -> None:
    write(tmp_path, "p.yml", policy(filters="      - type: ingres\n        Ports: [22]"))
    err = error_of(tmp_path)
    assert err.line == 5 and "ingres" in err.message


def test_typo_in_a_filter_key(tmp_path: Path) -> None:
    write(tmp_path, "p.yml", policy(filters="      - type: ingress\n        Portz: [22]"))
    err = error_of(tmp_path)
    assert err.line == 6 and "Portz" in err.message


def test_typo_in_a_policy_key(tmp_path: Path) -> None:
    text = policy().replace("    filters:", "    filter:")
    write(tmp_path, "p.yml", text)
    err = error_of(tmp_path)
    assert err.line == 2 and "filter" in err.message


def test_duplicate_policy_name_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", policy("same"))
    second = write(tmp_path, "b.yml", policy("same", rule_id="NW-SG-901"))
    err = error_of(tmp_path)
    assert (err.path, err.line) == (str(second), 2)
    assert "duplicate policy name 'same'" in err.message and "a.yml:2" in err.message


def test_duplicate_rule_id(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", policy("one"), policy("two"))
    err = error_of(tmp_path)
    assert err.line == 24 and "duplicate metadata id 'NW-SG-900'" in err.message


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", policy().replace("    resource:", "    name: again\n    resource:"))
    err = error_of(tmp_path)
    assert err.line == 3 and "duplicate key 'name'" in err.message


def test_missing_metadata(tmp_path: Path) -> None:
    write(tmp_path, "p.yml", policy().split("    metadata:")[0])
    err = error_of(tmp_path)
    assert err.line == 2 and "missing netwarden 'metadata' block" in err.message


def test_missing_metadata_field(tmp_path: Path) -> None:
    write(tmp_path, "p.yml", policy().replace("      risk: r\n", ""))
    err = error_of(tmp_path)
    assert "'risk' is a required property" in err.message and err.line == 7


def test_bad_severity(tmp_path: Path) -> None:
    write(tmp_path, "p.yml", policy().replace("severity: high", "severity: urgent"))
    err = error_of(tmp_path)
    assert err.line == 10 and "metadata.severity" in err.message


@pytest.mark.parametrize(
    "bad",
    [
        "CIS-5.2",
        "CIS-AWS-5",
        "FSBP-EC2-19",
        "fsbp-EC2.19",
        "NIST-800-53-SC7",
        "NIST-SC-7",
        "PCI-1.2",
    ],
)
def test_bad_compliance_id(tmp_path: Path, bad: str) -> None:
    write(tmp_path, "p.yml", policy(compliance=f"CIS-AWS-5.2, {bad}"))
    err = error_of(tmp_path)
    assert err.line == 22 and repr(bad) in err.message


@pytest.mark.parametrize(
    "good",
    ["CIS-AWS-5.2", "FSBP-EC2.19", "FSBP-CloudTrail.1", "NIST-800-53-SC-7", "NIST-800-53-SC-7(5)"],
)
def test_good_compliance_ids(tmp_path: Path, good: str) -> None:
    write(tmp_path, "p.yml", policy(compliance=good))
    assert load_policy_pack(tmp_path).policies[0].metadata.compliance == (good,)


def test_unknown_template_name(tmp_path: Path) -> None:
    write(tmp_path, "p.yml", policy().replace("--group-id {resource_id}", "--group-id {group}"))
    err = error_of(tmp_path)
    assert err.line == 17 and "unknown name(s) group" in err.message


def test_custodian_filter_validation(tmp_path: Path) -> None:
    # Valid for the schema, refused by the filter's own validate() (as custodian validate does).
    write(
        tmp_path,
        "p.yml",
        policy(
            filters="      - type: open-ingress\n        ports: [22]\n        cidrs: [not-a-cidr]"
        ).replace("aws.security-group", "aws.network-acl"),
    )
    err = error_of(tmp_path)
    assert err.line == 2 and "invalid cidr 'not-a-cidr'" in err.message


def test_unknown_resource_type(tmp_path: Path) -> None:
    write(tmp_path, "p.yml", policy().replace("aws.security-group", "aws.securitygroup"))
    err = error_of(tmp_path)
    assert err.line == 3 and "aws.securitygroup" in err.message


def test_empty_or_missing_directory(tmp_path: Path) -> None:
    assert "no *.yml" in error_of(tmp_path).message
    assert "not found" in error_of(tmp_path / "nope").message


def test_resource_type_netwarden_does_not_collect(tmp_path: Path) -> None:
    write(
        tmp_path,
        "p.yml",
        policy()
        .replace("aws.security-group", "aws.ec2")
        .replace("      - type: ingress\n        Ports: [22]", "      - State.Name: running"),
    )
    err = error_of(tmp_path)
    assert err.line == 3 and "resource aws.ec2 is not in the snapshot" in err.message
