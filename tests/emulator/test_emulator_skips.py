"""What deploy-local leaves out on the emulator: exactly the listed resource types, each reported
with its reason, and nothing from a real synthesis."""

from __future__ import annotations

import pytest

from hipaa_platform.targets.emulator_unsupported import UNSUPPORTED_ON_EMULATOR
from tests.conftest import SYNTHESIZED
from tests.emulator.test_emulator_endpoints import aws_providers, refuses_other_hosts


def resource_types(synthesized) -> set[str]:
    return {t for stack in synthesized.stacks.values() for t in stack.get("resource", {})}


def test_a_real_synthesis_skips_nothing(medisync) -> None:
    assert medisync.skipped == []


def test_every_unsupported_type_medisync_uses_is_left_out_and_reported(medisync, medisync_on_emulator) -> None:
    expected = resource_types(medisync) & set(UNSUPPORTED_ON_EMULATOR)
    assert expected, "MediSync uses resource types the emulator cannot create"
    assert not resource_types(medisync_on_emulator) & set(UNSUPPORTED_ON_EMULATOR)
    reported = {skip.resource_type for skip in medisync_on_emulator.skipped}
    assert reported == expected
    for skip in medisync_on_emulator.skipped:
        assert skip.reason == UNSUPPORTED_ON_EMULATOR[skip.resource_type]


def test_supported_types_are_kept_on_the_emulator(medisync, medisync_on_emulator) -> None:
    kept = resource_types(medisync) - set(UNSUPPORTED_ON_EMULATOR)
    assert kept <= resource_types(medisync_on_emulator)


def test_without_the_cache_grants_name_the_arn_it_would_have(medisync, medisync_on_emulator) -> None:
    """The task policy shape does not change when the emulator cannot create the cache."""
    cache = medisync.only("data", "aws_elasticache_serverless_cache")
    policies = medisync_on_emulator.resources("data", "aws_iam_role_policy")
    granted = "".join(p["policy"] for p in policies.values())
    assert f":serverlesscache:{cache['name']}" in granted
    assert medisync_on_emulator.resources("data", "aws_elasticache_user")


def test_without_delivery_pipelines_their_roles_and_bucket_remain(medisync, medisync_on_emulator) -> None:
    assert medisync.resources("pipeline", "aws_codepipeline")
    assert not medisync_on_emulator.resources("pipeline", "aws_codebuild_project")
    for kept in ("aws_iam_role", "aws_s3_bucket", "aws_cloudwatch_log_group"):
        assert set(medisync_on_emulator.resources("pipeline", kept)) == set(medisync.resources("pipeline", kept))

    def pipeline_role_policy(synthesized) -> str:
        policies = synthesized.resources("pipeline", "aws_iam_role_policy")
        return next(p["policy"] for name, p in policies.items() if name.startswith("codepipeline"))

    assert "codestar-connections:UseConnection" in pipeline_role_policy(medisync)
    assert "codestar-connections:UseConnection" not in pipeline_role_policy(medisync_on_emulator)


def test_without_security_headers_the_distribution_has_no_policy_reference(medisync, medisync_on_emulator) -> None:
    real = medisync.only("compute", "aws_cloudfront_distribution")["default_cache_behavior"]
    emulated = medisync_on_emulator.only("compute", "aws_cloudfront_distribution")["default_cache_behavior"]
    assert "response_headers_policy_id" in real
    assert "response_headers_policy_id" not in emulated


def test_the_operations_guide_lists_every_unsupported_type() -> None:
    from hipaa_platform.targets import PROJECT_ROOT

    guide = (PROJECT_ROOT / "docs" / "operations.md").read_text()
    missing = [t for t in UNSUPPORTED_ON_EMULATOR if f"`{t}`" not in guide]
    assert missing == []


def test_what_the_missing_backup_apis_cause_is_accepted_for_emulator_plans_only(medisync, medisync_on_emulator) -> None:
    """Without selections and vault policies on the emulator, its plans would show the database,
    the table and the vault unprotected; those findings are accepted there, for plan scans only."""
    from hipaa_platform.gate.acceptances import COMMENT_KEY

    def accepted(synthesized, resource_type: str, name: str) -> set[tuple[str, str]]:
        body = synthesized.resources("data", resource_type)[name]
        return {(e["check_id"], e.get("scan", "both")) for e in body.get("//", {}).get(COMMENT_KEY, [])}

    expected = {
        ("aws_rds_cluster", "aurora"): ("CKV2_AWS_8", "plan"),
        ("aws_dynamodb_table", "table-audit"): ("CKV2_HIPAA_12", "plan"),
        ("aws_backup_vault", "backup-vault"): ("CKV2_HIPAA_15", "plan"),
    }
    for (resource_type, name), finding in expected.items():
        assert finding in accepted(medisync_on_emulator, resource_type, name)
        assert finding[0] not in {check for check, _ in accepted(medisync, resource_type, name)}


@pytest.mark.parametrize("environment", sorted(SYNTHESIZED))
def test_every_environment_synthesizes_for_the_emulator(environment: str, synthesized_on_emulator, request) -> None:
    """deploy-local synthesizes for the emulator, where the unsupported types are left out; code
    that reaches for a resource the emulator synthesis leaves out fails here, not 20 minutes into
    a deployment test. What it leaves out is what the real synthesis has of the unsupported types,
    layer by layer, each reported with its reason (the deployment test checks the report)."""
    synthesized = synthesized_on_emulator(environment)
    assert synthesized.skipped, f"{environment}: every environment leaves something out on the emulator"
    assert not resource_types(synthesized) & set(UNSUPPORTED_ON_EMULATOR)
    assert all(refuses_other_hosts(provider) for provider in aws_providers(synthesized))  # aliases too
    real = request.getfixturevalue(SYNTHESIZED[environment])
    expected = {(layer, t) for layer, stack in real.stacks.items() for t in stack.get("resource", {})}
    assert {(skip.layer, skip.resource_type) for skip in synthesized.skipped} == {
        (layer, t) for layer, t in expected if t in UNSUPPORTED_ON_EMULATOR
    }
    assert all(skip.reason == UNSUPPORTED_ON_EMULATOR[skip.resource_type] for skip in synthesized.skipped)
