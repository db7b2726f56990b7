"""compliance/hipaa_pack.yaml: every rule of the HIPAA conformance pack, each with its control ids
and one status, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from hipaa_platform.errors import UserError
from hipaa_platform.gate.bucket_logging import buckets_logging_nowhere
from hipaa_platform.gate.compliance import PACK_FILE, load_pack
from tests.conftest import ENVIRONMENTS

REFERENCE = PACK_FILE.parents[2] / "shared" / "reference" / "Operational-Best-Practices-for-HIPAA-Security.yaml"


def test_the_data_holds_the_whole_pack_each_rule_with_controls_and_a_status() -> None:
    pack = load_pack()
    assert len(pack.rules) == pack.source.rules == 130
    assert all(rule.controls and rule.status for rule in pack.rules.values())
    statuses = {rule.status for rule in pack.rules.values()}
    assert statuses == {"enforced", "not-applicable", "gap"}


@pytest.mark.skipif(not REFERENCE.is_file(), reason="the published pack is not beside this checkout")
def test_the_rules_are_exactly_the_published_packs() -> None:
    """The pack as published (its ConfigRuleName and SourceIdentifier pairs), where it is at hand."""
    published = {name: rule["identifier"] for name, rule in published_rules().items()}
    ours = {name: rule.identifier for name, rule in load_pack().rules.items()}
    assert ours == published


def published_rules() -> dict[str, dict]:
    """The published pack's rules by name: their properties, each `!Ref` and `!If` kept as a mapping,
    each parameter reference replaced by that parameter's default and a rule left without it where
    the default is empty (as the pack's conditions do)."""
    import yaml

    class Template(yaml.SafeLoader):
        pass

    def tagged(loader, tag, node):
        if isinstance(node, yaml.ScalarNode):
            return {tag: loader.construct_scalar(node)}
        if isinstance(node, yaml.SequenceNode):
            return {tag: loader.construct_sequence(node, deep=True)}
        return {tag: loader.construct_mapping(node, deep=True)}

    Template.add_multi_constructor("!", tagged)
    template = yaml.load(REFERENCE.read_text(), Loader=Template)
    defaults = {name: str(p["Default"]) for name, p in template["Parameters"].items()}

    def resolved(value):  # {"Fn::If": [condition, {"Ref": parameter}, {"Ref": "AWS::NoValue"}]}
        return defaults[value["Fn::If"][1]["Ref"]]

    rules = {}
    for resource in template["Resources"].values():
        properties = resource["Properties"]
        parameters = {k: resolved(v) for k, v in properties.get("InputParameters", {}).items()}
        rules[properties["ConfigRuleName"]] = {
            "identifier": properties["Source"]["SourceIdentifier"],
            "parameters": {k: v for k, v in parameters.items() if v},
            "scope": properties.get("Scope", {}).get("ComplianceResourceTypes") or [],
        }
    return rules


@pytest.mark.skipif(not REFERENCE.is_file(), reason="the published pack is not beside this checkout")
def test_each_rules_parameters_and_scope_are_the_published_packs() -> None:
    published = published_rules()
    ours = {
        name: {"identifier": r.identifier, "parameters": r.parameters, "scope": r.scope}
        for name, r in load_pack().rules.items()
    }
    assert ours == published


RULE = """\
source: {repository: r, path: p, commit: b54d4a6c99e1, rules: 1}
rules:
  cloudtrail-enabled:
    identifier: CLOUD_TRAIL_ENABLED
"""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            RULE + "    controls: [164.312(b)]\n    controls_from: derived\n",
            "rules.cloudtrail-enabled.status: Field required",
        ),
        (
            RULE + "    controls: [164.3.12]\n    controls_from: derived\n    status: gap\n"
            "    reason: no trail in one environment\n",
            "not a HIPAA Security Rule control id: 164.3.12",
        ),
        (
            RULE + "    controls: [164.312(b)]\n    controls_from: derived\n    status: enforced\n",
            "an enforced rule names its checks",
        ),
        (
            RULE + "    controls: [164.312(b)]\n    controls_from: derived\n    status: done\n",
            "rules.cloudtrail-enabled.status: Input should be 'enforced', 'not-applicable' or 'gap'",
        ),
        (RULE + "  cloudtrail-enabled:\n    identifier: X\n", "repeated key(s): cloudtrail-enabled"),
        (
            RULE + "    scope: [S3 bucket]\n    controls: [164.312(b)]\n    controls_from: derived\n    status: gap\n"
            "    reason: no trail in one environment\n",
            "not an AWS Config resource type: S3 bucket",
        ),
    ],
    ids=["no status", "bad control id", "enforced without checks", "unknown status", "a rule twice", "bad scope"],
)
def test_bad_pack_data_is_refused_naming_the_file_and_the_field(body: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "hipaa_pack.yaml"
    path.write_text(body)
    with pytest.raises(UserError) as refused:
        load_pack(path)
    assert str(path) in str(refused.value) and message in str(refused.value)


def test_the_security_doc_shows_the_pack_as_the_data_states_it() -> None:
    from hipaa_platform.gate.compliance import SECURITY_DOC, security_doc_with_pack

    document = SECURITY_DOC.read_text()
    assert security_doc_with_pack(document, load_pack()) == document, "docs/security.md is stale: run make security-doc"


def test_a_changed_rule_makes_the_doc_stale(tmp_path: Path) -> None:
    from hipaa_platform.gate.compliance import SECURITY_DOC, security_doc_with_pack

    changed = tmp_path / "hipaa_pack.yaml"
    changed.write_text(PACK_FILE.read_text().replace("checks: [CKV_HIPAA_5]", "checks: [CKV_HIPAA_5, CKV_AWS_319]"))
    document = SECURITY_DOC.read_text()
    assert security_doc_with_pack(document, load_pack(changed)) != document


def test_the_report_refuses_an_output_folder_that_is_not_this_environments(tmp_path: Path) -> None:
    """A stale cdktf.out (another environment, or none) is never reported as this one."""
    import os
    import subprocess
    import sys

    environment = {k: v for k, v in os.environ.items() if k not in ("PLATFORM_STATE", "PLATFORM_EMULATOR_ENDPOINT")}
    command = [sys.executable, "-m", "hipaa_platform", "compliance", "--env", "intakeiq", "--outdir", str(tmp_path)]
    result = subprocess.run(command, cwd=PACK_FILE.parents[1], env=environment, capture_output=True, text=True)
    assert result.returncode == 2
    assert "does not hold the current synthesis of intakeiq" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr


# Resource types whose presence makes a rule apply: the pack may not call it not applicable then.
MAKES_APPLICABLE = {
    "ebs-in-backup-plan": {"aws_ebs_volume", "aws_launch_template"},
    "ec2-resources-protected-by-backup-plan": {"aws_instance", "aws_autoscaling_group"},
    "ec2-managedinstance-patch-compliance-status-check": {"aws_instance", "aws_autoscaling_group"},
    "internet-gateway-authorized-vpc-only": {"aws_internet_gateway"},
    "acm-certificate-expiration-check": {"aws_acm_certificate"},
    "ec2-instance-managed-by-systems-manager": {"aws_instance", "aws_autoscaling_group"},
    "ec2-managedinstance-association-compliance-status-check": {"aws_instance", "aws_autoscaling_group"},
    "ec2-stopped-instance": {"aws_instance", "aws_autoscaling_group"},
    # automated snapshots of every database, final snapshots on destroy
    "rds-snapshot-encrypted": {"aws_db_instance", "aws_rds_cluster"},
    "rds-snapshots-public-prohibited": {"aws_db_instance", "aws_rds_cluster"},
}


def test_no_rule_is_called_not_applicable_while_an_environment_creates_what_it_evaluates(synthesis_of) -> None:
    created = {
        t for env in ENVIRONMENTS for stack in synthesis_of(env).stacks.values() for t in stack.get("resource", {})
    }
    pack = load_pack()
    wrong = {
        rule
        for rule, types in MAKES_APPLICABLE.items()
        if types & created and pack.rules[rule].status == "not-applicable"
    }
    assert not wrong


def test_no_rule_is_called_enforced_where_the_managed_rule_fails_what_the_environments_build(synthesis_of) -> None:
    """Under the pack's own defaults: an access-log bucket that logs nowhere fails s3-bucket-logging-enabled (which
    checkov's CKV_AWS_18 passes), a port open to the internet fails vpc-sg-open-only-to-authorized-ports, which
    the pack deploys without authorized ports, and a key its layer may destroy is one the rule can find scheduled
    for deletion."""
    pack = load_pack()
    unlogged, open_ports, destructible_keys = [], [], []
    for env in ENVIRONMENTS:
        resources = [stack.get("resource", {}) for stack in synthesis_of(env).stacks.values()]
        unlogged += [k for stack in synthesis_of(env).stacks.values() for k in buckets_logging_nowhere(stack)]
        open_ports += [
            k
            for r in resources
            for k, v in r.get("aws_vpc_security_group_ingress_rule", {}).items()
            if v.get("cidr_ipv4") == "0.0.0.0/0" or v.get("cidr_ipv6") == "::/0"
        ]
        destructible_keys += [
            (env, key)
            for r in resources
            for key, spec in r.get("aws_kms_key", {}).items()
            if not spec.get("lifecycle", {}).get("prevent_destroy")
        ]
    if destructible_keys:  # destroying their layer schedules them for deletion, which the rule reports
        assert pack.rules["kms-cmk-not-scheduled-for-deletion"].status != "not-applicable", destructible_keys
    if unlogged:
        assert pack.rules["s3-bucket-logging-enabled"].status != "enforced", unlogged
    if open_ports:
        assert pack.rules["vpc-sg-open-only-to-authorized-ports"].status != "enforced", open_ports
