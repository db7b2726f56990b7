"""What Club App's file may not get wrong: the Redis windows and topic, one cache, the platform
secrets a container may name (hipaa_platform/config/references.py, config/checks.py)."""

from __future__ import annotations

import copy

import pytest
import yaml
from pydantic import ValidationError

from hipaa_platform.config import Environment
from hipaa_platform.config.loader import ENVIRONMENTS_DIR

SOURCE = yaml.safe_load((ENVIRONMENTS_DIR / "clubapp-dev.yaml").read_text())


def changed(edit) -> dict:
    document = copy.deepcopy(SOURCE)
    edit(document)
    return document


def without_redis(document: dict) -> None:
    """No cache, and so no decision about its snapshots."""
    document["data"].pop("redis")
    document["decisions"].pop("short_cache_snapshots")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["data"]["redis"].update(maintenance_window="sun:04:00-sun:06:00"),
            "snapshot_window 03:00-05:00 overlaps maintenance_window sun:04:00-sun:06:00; ElastiCache refuses",
        ),
        (
            lambda d: d["data"]["redis"].update(notification_topic="alerts"),
            "redis.notification_topic: 'alerts' is not a topic; allowed: cache-events, notifications",
        ),
        (
            lambda d: d["data"].update(cache={"name": "sessions", "iam_users": ["web"]}),
            "declare at most one of cache (serverless) or redis (replication group)",
        ),
        (
            lambda d: d["compute"]["services"][0]["secrets"].update(REDIS_URL="@cache:url"),
            "secrets.REDIS_URL: '@cache:url' is not declared; allowed: jwt-secret, sendgrid, sentry, stripe, @database",
        ),
        (
            lambda d: (without_redis(d), d["observability"].update(dashboards=["services"])),
            "environment.REDIS_HOST: '@cache:host' is not a cache value; allowed: @cache:host, @cache:port, with "
            "data.redis",
        ),
        (
            lambda d: d["compute"]["services"][0]["environment"].update(REDIS_URL="@cache:url"),
            "environment.REDIS_URL: '@cache:url' is not a cache value; allowed: @cache:host, @cache:port",
        ),
        (
            lambda d: d["compute"]["services"][0].update(cache_user="web"),
            "cache_user: 'web' is not an IAM user of the cache; allowed: clubapp-backend",
        ),
        (
            lambda d: d["data"]["redis"].pop("iam_users"),
            "data.redis.iam_users\n  Field required",
        ),
        (
            lambda d: d["compute"]["services"][0]["environment"].update(S3_ASSETS_BUCKET="@bucket:asset"),
            "environment.S3_ASSETS_BUCKET: '@bucket:asset' names no bucket; allowed: @bucket:assets, @bucket:logs, "
            "@bucket:receipts",
        ),
        (lambda d: d["data"]["redis"].update(nodes=1), "nodes\n  Input should be greater than or equal to 2"),
        (
            lambda d: d["data"]["redis"].update(engine_version="6.2"),
            "6.2: ElastiCache authenticates IAM users from Redis OSS 7.0; allowed: 7.0, 7.1",
        ),
        (
            lambda d: d["security"].update(certificate_alternative_names=[]),
            "data.buckets[0].cdn.domain_name: assets.desh.co is not on the certificate; allowed: api.desh.co",
        ),
        (
            lambda d: d["data"]["buckets"][0].update(kms_key="default"),
            "CloudFront decrypts the objects with key 'default', whose policy does not admit it",
        ),
        (
            lambda d: d["decisions"].pop("cdn_worldwide"),
            "decisions.cdn_worldwide is required: a bucket's cdn has no geo_restriction, which leaves CKV_AWS_374 open",
        ),
        (
            without_redis,
            "observability.dashboards: cache shows the nodes of data.redis; declare data.redis",
        ),
        (
            lambda d: d["compute"]["services"][0]["autoscaling"].update(memory_target_percent=120),
            "memory_target_percent\n  Input should be less than or equal to 100",
        ),
    ],
)
def test_a_wrong_cache_setting_is_refused_with_the_allowed_values(edit, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        Environment.model_validate(changed(edit))
    assert message in str(raised.value)


def test_the_file_as_written_is_valid() -> None:
    environment = Environment.model_validate(SOURCE)
    assert environment.data.cache_name == "redis"
    assert environment.security.secret_name("stripe", environment.name_prefix) == "clubapp/dev/stripe"
    assert environment.security.secret_name("unnamed", environment.name_prefix) == "clubapp-dev/unnamed"
