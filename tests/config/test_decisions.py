"""An environment's choice and the reason for the finding it leaves open live in its own file."""

from __future__ import annotations

import copy

import pytest
import yaml
from pydantic import ValidationError

from hipaa_platform.config import Environment
from hipaa_platform.config.loader import ENVIRONMENTS_DIR, read_sources
from hipaa_platform.gate.acceptances import COMMENT_KEY


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


def test_a_single_page_app_without_a_web_acl_needs_the_environments_reason(medisync) -> None:
    document = read_sources(ENVIRONMENTS_DIR / "medisync-prod.yaml").document
    reason = " ".join(document["decisions"]["cdn_without_waf"].split())
    distribution = medisync.only("compute", "aws_cloudfront_distribution")
    assert accepted(distribution)["CKV_AWS_68"] == accepted(distribution)["CKV2_AWS_47"] == reason

    without_reason = copy.deepcopy(document)
    del without_reason["decisions"]
    with pytest.raises(ValidationError) as raised:
        Environment.model_validate(without_reason)
    assert "decisions.cdn_without_waf is required: a bucket has a cdn or compute.spa is set" in str(raised.value)

    without_spa = copy.deepcopy(document)
    del without_spa["compute"]["spa"]
    with pytest.raises(ValidationError) as raised:
        Environment.model_validate(without_spa)
    assert "decisions.cdn_without_waf explains a choice this environment does not make" in str(raised.value)
