"""The full-shape settings refuse what cannot work, naming the file, the field and what is allowed.
Each case changes one value of the shipped MediSync file; the unchanged file loads."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from hipaa_platform.config.loader import ENVIRONMENTS_DIR, load_environment_file
from hipaa_platform.errors import ConfigError

SOURCE = ENVIRONMENTS_DIR / "medisync-prod.yaml"


def error_for(tmp_path: Path, mutate) -> str:
    document = copy.deepcopy(yaml.safe_load(SOURCE.read_text()))  # anchors resolved, x- keys kept
    mutate(document)
    path = tmp_path / "medisync-prod.yaml"
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(ConfigError) as caught:
        load_environment_file(path)
    message = str(caught.value)
    assert str(path) in message
    return message


def services(document: dict) -> list[dict]:
    return document["compute"]["services"]


def test_the_shipped_file_is_valid_and_anchor_keys_are_ignored() -> None:
    environment = load_environment_file(SOURCE)
    assert [s.desired_count for s in environment.compute.services] == [4, 6, 3, 2, 3]
    assert environment.compute.services[1].secrets == {"DATABASE_URL": "database:connection_string",
                                                       "REDIS_URL": "redis:url"}  # fmt: skip


def test_a_grant_naming_an_undeclared_queue(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: services(d)[0]["permissions"][0].update(resources=["queue:nope"]))
    assert "compute.services[0].permissions.WriteSQS: resource 'queue:nope' names nothing declared" in message
    assert "queue:<clinical-events>" in message


def test_an_undeclared_key_purpose(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["data"]["buckets"][0].update(kms_key="archive"))
    assert "data.buckets[0].kms_key: key 'archive' is not declared" in message
    assert "allowed: default, staging, aurora, compliance, pipeline, logs" in message


def test_an_undeclared_secret(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: services(d)[1]["secrets"].update(REDIS_URL="cache:url"))
    assert "compute.services[1].secrets.REDIS_URL: 'cache:url' is not declared" in message
    assert "allowed: api-key, ci-npm-token, database, redis" in message


def test_blue_green_needs_a_test_listener(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["compute"]["load_balancer"].pop("test_listener_port"))
    assert "services[0].deployment blue_green needs load_balancer.test_listener_port" in message


def test_api_gateway_needs_an_internal_load_balancer(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["compute"]["load_balancer"].update(internal=False))
    assert "api_gateway fronts an internal load balancer" in message


def test_two_services_claiming_one_route(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: services(d)[1].update(routes=["/hl7/*"]))
    assert "route '/hl7/*' is claimed by two services" in message


def test_aurora_capacity_bounds(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["data"]["aurora"].update(min_capacity_acu=80, max_capacity_acu=64))
    assert "data.aurora" in message and "max_capacity_acu (64.0) is below min_capacity_acu" in message


def test_exactly_one_database(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["data"].pop("aurora"))
    assert "declare exactly one of database (RDS instance) or aurora (Aurora cluster)" in message


def test_queue_scaling_on_an_undeclared_queue(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: services(d)[1]["autoscaling"]["queue_depth"].update(queue="other"))
    assert "compute.services[1].autoscaling.queue_depth.queue: 'other' is not a queue" in message


def test_a_cache_user_the_cache_does_not_know(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: services(d)[1].update(cache_user="analytics"))
    expected = "compute.services[1].cache_user: 'analytics' is not an IAM user of the cache; allowed: sync-engine"
    assert expected in message


def test_an_unknown_key_in_a_new_section(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["security"]["waf"].update(rate=5))
    assert "security.waf.rate: unknown key; allowed: managed_rule_groups, rate_limit_per_5_minutes" in message


def test_a_build_image_for_another_cpu_is_refused(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["pipeline"]["codepipeline"]["build"].update(architecture="X86_64"))
    assert "does not run X86_64 builds; allowed: an x86_64 CodeBuild image" in message


def test_build_steps_are_required(tmp_path: Path) -> None:
    message = error_for(tmp_path, lambda d: d["pipeline"]["codepipeline"].pop("build"))
    assert "pipeline.codepipeline.build: required key is missing" in message
