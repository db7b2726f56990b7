"""Settings the coming environments need (Club App's seed states them), on a copy of IntakeIQ:
bucket expiration, CORS and per-bucket tags; memory-target autoscaling; the load balancer's
TLS 1.2 policy, health-check matcher and deregistration delay. Synthesized once, then gated."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from hipaa_platform.config import Bucket, Environment
from hipaa_platform.config.loader import ENVIRONMENTS_DIR
from hipaa_platform.gate.scan import run_gate
from tests.conftest import Synthesized, synthesize_environment

ASSETS = {
    "name": "assets",
    "transitions": [
        {"after_days": 90, "storage_class": "GLACIER"},
        {"after_days": 180, "storage_class": "DEEP_ARCHIVE"},
    ],
    "expiration_days": 2555,
    "cors": [{"allowed_origins": ["https://assets.example.com"], "allowed_methods": ["GET", "HEAD"]}],
    "tags": {"Purpose": "assets", "Retention": "7years"},
}
SCALING = {
    "min_count": 1,
    "max_count": 4,
    "cpu_target_percent": 70,
    "memory_target_percent": 75,
    "scale_out_cooldown_seconds": 60,
    "scale_in_cooldown_seconds": 300,
}
LOAD_BALANCER = {
    "ssl_policy": "ELBSecurityPolicy-TLS-1-2-2017-01",
    "health_check_path": "/health",
    "health_check_matcher": "200",
    "deregistration_delay_seconds": 30,
}


ASSETS_KEY = {"purpose": "assets", "alias": "alias/intakeiq-assets", "allow_services": ["cloudfront"]}
CDN = {"domain_name": "assets.intakeiq.com", "hosted_zone_id": "Z0123456789ABCDEFGHIJ", "geo_restriction": ["US"]}


def with_capabilities() -> Environment:
    document = yaml.safe_load((ENVIRONMENTS_DIR / "intakeiq.yaml").read_text())
    document["data"]["buckets"].append({**ASSETS, "kms_key": "assets", "cdn": CDN})
    document["security"]["keys"] = [
        {"purpose": "assets", "alias": "alias/intakeiq-assets", "allow_services": ["cloudfront"]}
    ]
    document["security"]["certificate_alternative_names"] = ["assets.intakeiq.com"]
    document["decisions"]["cdn_without_waf"] = (
        "Test copy: the distribution serves images only, by GET, with no API behind it."
    )
    document["compute"]["services"][0]["autoscaling"] = SCALING
    document["compute"]["load_balancer"].update(LOAD_BALANCER)
    return Environment.model_validate(document)


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synthesize_environment(with_capabilities(), tmp_path_factory.mktemp("capabilities") / "cdktf.out")


def test_a_bucket_tiers_then_expires_its_objects(synthesized: Synthesized) -> None:
    lifecycle = synthesized.resources("data", "aws_s3_bucket_lifecycle_configuration")["assets-lifecycle"]
    (tiering,) = [r for r in lifecycle["rule"] if r["id"] == "tiering"]
    assert [(t["days"], t["storage_class"]) for t in tiering["transition"]] == [(90, "GLACIER"), (180, "DEEP_ARCHIVE")]
    assert tiering["expiration"] == [{"days": 2555}]


def test_a_bucket_admits_only_its_named_origins(synthesized: Synthesized) -> None:
    (rule,) = synthesized.resources("data", "aws_s3_bucket_cors_configuration")["assets-cors"]["cors_rule"]
    assert rule["allowed_origins"] == ["https://assets.example.com"]
    assert rule["allowed_methods"] == ["GET", "HEAD"]
    assert "insurance-cards-cors" not in synthesized.resources("data", "aws_s3_bucket_cors_configuration")


def test_a_bucket_carries_its_own_tags_beside_the_projects(synthesized: Synthesized) -> None:
    tags = synthesized.resources("data", "aws_s3_bucket")["assets"]["tags"]
    assert tags == {"Purpose": "assets", "Retention": "7years", "Backup": "none", "Encryption": "kms"}


def test_a_service_scales_on_cpu_and_on_memory(synthesized: Synthesized) -> None:
    policies = synthesized.resources("compute", "aws_appautoscaling_policy")
    by_metric = {
        p["target_tracking_scaling_policy_configuration"]["predefined_metric_specification"][
            "predefined_metric_type"
        ]: p["target_tracking_scaling_policy_configuration"]
        for p in policies.values()
    }
    memory = by_metric["ECSServiceAverageMemoryUtilization"]
    assert (memory["target_value"], memory["scale_out_cooldown"], memory["scale_in_cooldown"]) == (75, 60, 300)
    assert by_metric["ECSServiceAverageCPUUtilization"]["target_value"] == 70
    (target,) = synthesized.resources("compute", "aws_appautoscaling_target").values()
    assert (target["min_capacity"], target["max_capacity"]) == (1, 4)


def test_the_load_balancer_takes_the_stated_policy_and_checks(synthesized: Synthesized) -> None:
    listeners = synthesized.resources("compute", "aws_lb_listener").values()
    assert {listener["ssl_policy"] for listener in listeners if listener["protocol"] == "HTTPS"} == {
        "ELBSecurityPolicy-TLS-1-2-2017-01"
    }
    (group,) = synthesized.resources("compute", "aws_lb_target_group").values()
    assert group["health_check"]["matcher"] == "200" and group["health_check"]["path"] == "/health"
    assert group["deregistration_delay"] == "30"


def test_a_bucket_is_served_by_cloudfront_only_through_origin_access_control(synthesized: Synthesized) -> None:
    distribution = synthesized.only("data", "aws_cloudfront_distribution")
    assert distribution["aliases"] == ["assets.intakeiq.com"]
    assert distribution["restrictions"]["geo_restriction"] == {"restriction_type": "whitelist", "locations": ["US"]}
    assert distribution["viewer_certificate"]["minimum_protocol_version"] == "TLSv1.2_2021"
    assert distribution["default_cache_behavior"]["viewer_protocol_policy"] == "redirect-to-https"
    (origin,) = distribution["origin"]
    assert origin["origin_access_control_id"] == "${aws_cloudfront_origin_access_control.assets-cdn-origin-access.id}"
    policy = json.loads(synthesized.resources("data", "aws_s3_bucket_policy")["assets-policy"]["policy"])
    (read,) = [s for s in policy["Statement"] if s["Sid"] == "CloudFrontReadsThroughOriginAccessControl"]
    assert read["Condition"] == {"StringEquals": {"AWS:SourceArn": "${aws_cloudfront_distribution.assets-cdn.arn}"}}
    record = synthesized.only("data", "aws_route53_record")
    assert (record["zone_id"], record["name"], record["type"]) == ("Z0123456789ABCDEFGHIJ", "assets.intakeiq.com", "A")
    assert record["alias"]["name"] == "${aws_cloudfront_distribution.assets-cdn.domain_name}"
    # Only the key the bucket names admits CloudFront.
    keys = synthesized.resources("security", "aws_kms_key").values()
    assert sum("CloudFrontDecryptsThroughOriginAccessControl" in k["policy"] for k in keys) == 1


def test_the_settings_pass_the_gate(synthesized: Synthesized, tmp_path: Path) -> None:
    gate = run_gate(synthesized.outdir, tmp_path / "reports")
    assert gate.failures == [] and gate.stale == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cors": [{"allowed_origins": ["*"]}]}, "cors.0.allowed_origins.0"),
        ({"expiration_days": 60}, "expiration_days (60) must come after the last transition (180 days)"),
        ({"tags": {"Owner": "someone"}}, "tags: 'Owner' is set by the project"),
        (
            {
                "transitions": [
                    {"after_days": 90, "storage_class": "GLACIER"},
                    {"after_days": 120, "storage_class": "DEEP_ARCHIVE"},
                ]
            },
            "DEEP_ARCHIVE after 120 days is less than 90 days after GLACIER (90); S3 keeps objects in Glacier at least "
            "90 days; allowed: 180 days or later",
        ),
        (
            {
                "transitions": [
                    {"after_days": 180, "storage_class": "GLACIER"},
                    {"after_days": 90, "storage_class": "STANDARD_IA"},
                ]
            },
            "after_days [180, 90] must rise",
        ),
    ],
)
def test_a_bucket_refuses_what_would_weaken_or_contradict_it(change: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        Bucket.model_validate({**ASSETS, **change})
