"""An environment's choice and the reason for the finding it leaves open live in its own file."""

from __future__ import annotations

import copy

import yaml

from hipaa_platform.config import Environment
from hipaa_platform.loader import ENVIRONMENTS_DIR
from hipaa_platform.suppressions import COMMENT_KEY


def accepted(resource: dict) -> dict[str, str]:
    return {f["check_id"]: f["reason"] for f in resource.get("//", {}).get(COMMENT_KEY, [])}


def test_the_gate_shows_the_reason_the_environment_file_gives(intakeiq, synthesize_variant) -> None:
    document = yaml.safe_load((ENVIRONMENTS_DIR / "intakeiq.yaml").read_text())
    assert accepted(intakeiq.only("compute", "aws_lb"))["CKV2_AWS_28"] == " ".join(
        document["decisions"]["no_waf"].split()
    )
    changed = copy.deepcopy(document)
    changed["decisions"]["no_waf"] = "A different reason, written in the environment file and nowhere else."
    variant = synthesize_variant(Environment.model_validate(changed))
    assert accepted(variant.only("compute", "aws_lb"))["CKV2_AWS_28"] == changed["decisions"]["no_waf"]


def test_no_layer_or_module_carries_an_environment_reason() -> None:
    from hipaa_platform.targets import PROJECT_ROOT

    code = "\n".join(p.read_text() for folder in ("layers", "modules") for p in (PROJECT_ROOT / folder).glob("*.py"))
    for phrase in ("budget shape", "stated cost decision", "seed runbook", "Multi-AZ disabled"):
        assert phrase not in code, phrase


def test_an_environment_without_those_choices_accepts_none_of_their_findings(medisync) -> None:
    findings = {
        check
        for layer in medisync.stacks.values()
        for resources in layer.get("resource", {}).values()
        for resource in resources.values()
        for check in accepted(resource)
    }
    assert not findings & {"CKV2_AWS_28", "CKV_AWS_333", "CKV_AWS_65", "CKV_AWS_51", "CKV_AWS_157"}
