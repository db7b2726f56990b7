"""Club App dev (seed 002): the seed's stated values, found in the synthesized JSON of each layer.
docs/environments.md lists the deviations and what is not built yet."""

from __future__ import annotations

import json


def ref(value: str) -> str:
    return value.removeprefix("${").removesuffix("}")


def test_two_azs_with_a_nat_gateway_each(clubapp) -> None:
    assert clubapp.only("networking", "aws_vpc")["cidr_block"] == "10.0.0.0/16"
    subnets = {s["cidr_block"]: s["availability_zone"] for s in clubapp.resources("networking", "aws_subnet").values()}
    assert subnets == {"10.0.1.0/24": "us-east-1a", "10.0.2.0/24": "us-east-1b",
                       "10.0.10.0/24": "us-east-1a", "10.0.11.0/24": "us-east-1b"}  # fmt: skip
    routes = clubapp.resources("networking", "aws_route")
    private = {r["route_table_id"]: r["nat_gateway_id"] for r in routes.values() if "nat_gateway_id" in r}
    assert len(clubapp.resources("networking", "aws_nat_gateway")) == 2
    assert len(set(private.values())) == 2  # each private route table through its own AZ's gateway


def test_database_matches_the_seed_with_a_rotated_managed_password(clubapp) -> None:
    database = clubapp.only("data", "aws_db_instance")
    expected = {
        "identifier": "clubapp-dev-postgres",
        "engine_version": "16.4",
        "instance_class": "db.t4g.medium",
        "allocated_storage": 100,
        "max_allocated_storage": 512,
        "storage_type": "gp3",
        "multi_az": True,
        "backup_retention_period": 7,
        "backup_window": "03:00-04:00",
        "maintenance_window": "sun:04:00-sun:05:00",
        "db_name": "postgres",
        "username": "app",
        "manage_master_user_password": True,
        "monitoring_interval": 60,
        "performance_insights_retention_period": 7,
        "publicly_accessible": False,
    }
    assert {key: database[key] for key in expected} == expected
    assert "password" not in database
    assert "character_set_name" not in database  # RDS for PostgreSQL creates the database in UTF8 (the seed's)
    rotation = clubapp.only("data", "aws_secretsmanager_secret_rotation")
    assert rotation["rotation_rules"] == {"automatically_after_days": 30, "duration": "3h"}
    assert rotation["secret_id"] == "${aws_db_instance.database.master_user_secret[0].secret_arn}"


def test_redis_replication_group_matches_the_seed(clubapp) -> None:
    group = clubapp.only("data", "aws_elasticache_replication_group")
    expected = {
        "replication_group_id": "clubapp-dev-redis",
        "engine": "redis",
        "engine_version": "7.1",
        "node_type": "cache.t4g.micro",
        "num_cache_clusters": 2,
        "port": 6379,
        "automatic_failover_enabled": True,
        "multi_az_enabled": True,
        "transit_encryption_enabled": True,
        "at_rest_encryption_enabled": "true",
        "snapshot_retention_limit": 5,
        "snapshot_window": "03:00-05:00",
        "maintenance_window": "sun:05:00-sun:07:00",
        "auto_minor_version_upgrade": "true",
        "preferred_cache_cluster_azs": ["us-east-1a", "us-east-1b"],
    }
    assert {key: group[key] for key in expected} == expected
    assert group["kms_key_id"].startswith("${data.terraform_remote_state.security.outputs.kms_key_arns")
    assert group["notification_topic_arn"] == "${aws_sns_topic.topic-cache-events.arn}"
    assert clubapp.only("data", "aws_elasticache_subnet_group")["name"] == "clubapp-dev-redis-subnet-group"


def test_the_cache_has_no_password_anywhere_its_clients_sign_in_with_iam(clubapp) -> None:
    """An AUTH token Terraform sets lands in the layer's state in the clear; the group authenticates
    its users with IAM instead, and the only other user, `default`, is switched off."""
    group = clubapp.only("data", "aws_elasticache_replication_group")
    assert "auth_token" not in group
    assert group["user_group_ids"] == ["${aws_elasticache_user_group.redis-users.user_group_id}"]
    users = clubapp.resources("data", "aws_elasticache_user")
    modes = {u["user_name"]: (u["authentication_mode"]["type"], u["access_string"]) for u in users.values()}
    assert modes == {
        "default": ("no-password-required", "off -@all"),
        "clubapp-backend": ("iam", "on ~* +@all -@dangerous"),
    }
    assert "passwords" not in json.dumps(users)
    members = clubapp.only("data", "aws_elasticache_user_group")["user_ids"]
    assert members == [f"${{aws_elasticache_user.{key}.user_id}}" for key in users]
    data = json.dumps(clubapp.stacks["data"])
    assert "random_password" not in data and "aws_secretsmanager_secret_version" not in data
    (grant,) = [
        s
        for s in json.loads(clubapp.resources("data", "aws_iam_role_policy")["task-web"]["policy"])["Statement"]
        if s["Sid"] == "CacheAccess"
    ]
    assert grant["Action"] == ["elasticache:Connect"]
    assert grant["Resource"] == [
        "${aws_elasticache_replication_group.redis.arn}",
        "${aws_elasticache_user.redis-user-clubapp-backend.arn}",
    ]


def test_only_the_service_reaches_the_cache_and_only_on_its_port(clubapp) -> None:
    rules = clubapp.resources("security", "aws_vpc_security_group_ingress_rule")
    into_cache = [r for r in rules.values() if r["security_group_id"] == "${aws_security_group.sg-cache.id}"]
    assert [(r["from_port"], r["to_port"], r["referenced_security_group_id"]) for r in into_cache] == [
        (6379, 6379, "${aws_security_group.sg-service-web.id}")
    ]


def test_buckets_tier_expire_and_carry_their_tags(clubapp) -> None:
    lifecycles = clubapp.resources("data", "aws_s3_bucket_lifecycle_configuration")

    def tiers(name: str) -> tuple[list, list]:
        (rule,) = [r for r in lifecycles[f"{name}-lifecycle"]["rule"] if r["id"] == "tiering"]
        return [(t["days"], t["storage_class"]) for t in rule["transition"]], rule["expiration"]

    assert tiers("assets") == ([(90, "GLACIER"), (180, "DEEP_ARCHIVE")], [{"days": 2555}])
    assert tiers("receipts") == ([(365, "GLACIER")], [{"days": 2555}])
    assert tiers("logs") == ([(7, "GLACIER")], [{"days": 30}])
    buckets = clubapp.resources("data", "aws_s3_bucket")
    assert buckets["receipts"]["tags"]["Compliance"] == "pii-storage+financial"
    assert buckets["receipts"]["tags"]["Retention"] == "7years"
    assert buckets["logs"]["tags"]["Retention"] == "30days"
    (cors,) = clubapp.only("data", "aws_s3_bucket_cors_configuration")["cors_rule"]
    assert cors["allowed_origins"] == ["https://assets.desh.co"]


def test_the_service_matches_the_seed_and_reads_platform_secrets(clubapp) -> None:
    task = clubapp.only("compute", "aws_ecs_task_definition")
    assert (task["cpu"], task["memory"]) == ("1024", "2048")
    (container,) = json.loads(task["container_definitions"])
    assert container["name"] == "web" and container["portMappings"][0]["containerPort"] == 3000
    environment = {e["name"]: e["value"] for e in container["environment"]}
    names = "${data.terraform_remote_state.data.outputs.bucket_names"
    assert environment == {
        "NODE_ENV": "production",
        "LOG_LEVEL": "info",
        "PORT": "3000",
        "S3_REGION": "us-east-1",
        "S3_ASSETS_BUCKET": f"{names}.assets}}",
        "S3_RECEIPTS_BUCKET": f"{names}.receipts}}",
        "REDIS_HOST": "${data.terraform_remote_state.data.outputs.cache_endpoint}",
        "REDIS_PORT": "6379",
        "REDIS_USER": "clubapp-backend",
    }
    secrets = {s["name"]: s["valueFrom"] for s in container["secrets"]}
    database_secret = "${data.terraform_remote_state.data.outputs.database_master_secret_arn}"
    assert secrets["DATABASE_PASSWORD"] == f"{database_secret}:password::"
    assert "REDIS_URL" not in secrets
    service = clubapp.only("compute", "aws_ecs_service")
    network = service["network_configuration"]
    assert network["assign_public_ip"] is False
    assert network["subnets"] == "${data.terraform_remote_state.networking.outputs.private_subnet_ids}"
    grant = json.loads(clubapp.resources("compute", "aws_iam_role_policy")["execution-data-secrets-web"]["policy"])
    (read,) = [s for s in grant["Statement"] if s["Sid"] == "ReadDataSecrets"]
    assert read["Resource"] == database_secret


def test_autoscaling_on_cpu_and_memory_as_the_seed_states(clubapp) -> None:
    target = clubapp.only("compute", "aws_appautoscaling_target")
    assert (target["min_capacity"], target["max_capacity"]) == (1, 4)
    configs = [p["target_tracking_scaling_policy_configuration"] for p in
               clubapp.resources("compute", "aws_appautoscaling_policy").values()]  # fmt: skip
    by_metric = {c["predefined_metric_specification"]["predefined_metric_type"]: c for c in configs}
    assert by_metric["ECSServiceAverageCPUUtilization"]["target_value"] == 70
    assert by_metric["ECSServiceAverageMemoryUtilization"]["target_value"] == 75
    assert {(c["scale_out_cooldown"], c["scale_in_cooldown"]) for c in configs} == {(60, 300)}


def test_load_balancer_and_target_group_match_the_seed(clubapp) -> None:
    listeners = clubapp.resources("compute", "aws_lb_listener").values()
    https = [listener for listener in listeners if listener["protocol"] == "HTTPS"]
    assert {listener["ssl_policy"] for listener in https} == {"ELBSecurityPolicy-TLS-1-2-2017-01"}
    group = clubapp.only("compute", "aws_lb_target_group")
    assert (group["port"], group["target_type"], group["deregistration_delay"]) == (3000, "ip", "30")
    check = group["health_check"]
    assert (check["path"], check["matcher"], check["interval"], check["timeout"]) == ("/health", "200", 30, 5)
    assert (check["healthy_threshold"], check["unhealthy_threshold"]) == (2, 3)
    # the seed's attributes are AWS's defaults: no stickiness, round robin, no slow start
    assert "stickiness" not in group and "load_balancing_algorithm_type" not in group and "slow_start" not in group
    assert clubapp.only("compute", "aws_lb").get("enable_cross_zone_load_balancing") is None  # ALBs always cross zones


def test_named_secrets_keep_the_seeds_names(clubapp) -> None:
    names = {s["name"] for s in clubapp.resources("security", "aws_secretsmanager_secret").values()}
    assert names == {"clubapp/dev/jwt-secret", "clubapp/dev/stripe", "clubapp/dev/sendgrid", "clubapp/dev/sentry"}


def test_the_registry_keeps_ten_images_and_expires_untagged_after_seven_days(clubapp) -> None:
    rules = json.loads(clubapp.only("compute", "aws_ecr_lifecycle_policy")["policy"])["rules"]
    assert {r["selection"]["tagStatus"]: r["selection"]["countNumber"] for r in rules} == {"untagged": 7, "any": 10}


def test_the_seeds_names_come_from_the_configuration(clubapp) -> None:
    assert clubapp.only("compute", "aws_ecs_task_definition")["family"] == "clubapp-backend-task"
    assert clubapp.only("compute", "aws_lb_target_group")["name"] == "clubapp-dev-tg"
    assert clubapp.only("compute", "aws_ecr_repository")["name"] == "clubapp-backend"
    groups = {g["name"] for g in clubapp.resources("compute", "aws_cloudwatch_log_group").values()}
    assert "/ecs/clubapp-backend" in groups
    assert clubapp.only("compute", "aws_ecs_cluster")["name"] == "clubapp-dev-ecs"
    assert clubapp.only("compute", "aws_ecs_service")["name"] == "clubapp-dev-svc"
    dashboards = {d["dashboard_name"] for d in clubapp.resources("observability", "aws_cloudwatch_dashboard").values()}
    assert "clubapp-dev-overview" in dashboards
    security_groups = {g["name"] for g in clubapp.resources("security", "aws_security_group").values()}
    # the seed's clubapp-dev-ecs-sg and clubapp-dev-redis-sg are declared deviations (environment file)
    expected_groups = {"clubapp-dev-alb-sg", "clubapp-dev-web-ecs-sg", "clubapp-dev-rds-sg", "clubapp-dev-cache-sg"}
    assert expected_groups <= security_groups
    assert clubapp.only("data", "aws_db_subnet_group")["name"] == "clubapp-dev-postgres-subnets"  # declared


def test_the_seeds_alarms(clubapp) -> None:
    """Each alarm of the seed's table with its threshold and its duration (period x evaluation periods)."""
    alarms = list(clubapp.resources("observability", "aws_cloudwatch_metric_alarm").values())

    def rule(metric: str) -> set[tuple]:
        found = [a for a in alarms if a["metric_name"] == metric]
        return {(a["comparison_operator"], a["threshold"], a["period"] * a["evaluation_periods"]) for a in found}

    assert rule("CPUUtilization") >= {("GreaterThanThreshold", 80, 300)}  # ECS-High-CPU: 80% for 5 minutes
    service_cpu = [a for a in alarms if a["metric_name"] == "CPUUtilization" and a["namespace"] == "AWS/ECS"]
    assert [(a["threshold"], a["period"] * a["evaluation_periods"]) for a in service_cpu] == [(80, 300)]
    assert rule("UnHealthyHostCount") == {("GreaterThanThreshold", 0, 120)}  # > 0 for 2 minutes
    assert rule("FreeStorageSpace") == {("LessThanThreshold", 10 * 1024**3, 600)}  # < 10% (of 100 GB) for 10 minutes
    assert rule("Evictions") == {("GreaterThanThreshold", 0, 300)}  # > 0 for 5 minutes
    assert rule("HTTPCode_Target_5XX_Count") == {("GreaterThanThreshold", 10, 300)}  # > 10 in 5 minutes
    evictions = sorted(a["dimensions"]["CacheClusterId"] for a in alarms if a["metric_name"] == "Evictions")
    assert evictions == ["clubapp-dev-redis-001", "clubapp-dev-redis-002"]


def test_the_cache_dashboard_shows_each_node(clubapp) -> None:
    dashboards = clubapp.resources("observability", "aws_cloudwatch_dashboard").values()
    (cache,) = [d for d in dashboards if d["dashboard_name"].endswith("-cache")]
    metrics = [m for w in json.loads(cache["dashboard_body"])["widgets"] for m in w["properties"]["metrics"]]
    evictions = sorted(m[3] for m in metrics if m[1] == "Evictions")
    assert evictions == ["clubapp-dev-redis-001", "clubapp-dev-redis-002"]


def test_assets_are_served_by_cloudfront_through_origin_access_control(clubapp) -> None:
    distribution = clubapp.only("data", "aws_cloudfront_distribution")
    assert distribution["aliases"] == ["assets.desh.co"]
    assert distribution["default_cache_behavior"]["viewer_protocol_policy"] == "redirect-to-https"
    assert distribution["default_cache_behavior"]["compress"] is True
    assert distribution["viewer_certificate"]["minimum_protocol_version"] == "TLSv1.2_2021"
    assert clubapp.only("data", "aws_cloudfront_origin_access_control")["signing_behavior"] == "always"
    assert clubapp.resources("data", "aws_s3_bucket_server_side_encryption_configuration")["assets-encryption"]["rule"][
        0
    ]["apply_server_side_encryption_by_default"]["kms_master_key_id"].endswith("kms_key_arns.assets}")
    assert "aws_route53_record" not in clubapp.stacks["data"]["resource"]  # the zone id is not known yet (seed)
    certificate = clubapp.only("security", "aws_acm_certificate")
    assert certificate["subject_alternative_names"] == ["assets.desh.co"]


def test_the_seeds_health_check_capacity_providers_and_table_actions(clubapp) -> None:
    (container,) = json.loads(clubapp.only("compute", "aws_ecs_task_definition")["container_definitions"])
    check = container["healthCheck"]
    assert check["command"] == ["CMD-SHELL", "curl -f http://localhost:3000/health || exit 1"]
    assert [check[key] for key in ("interval", "timeout", "retries", "startPeriod")] == [30, 5, 3, 60]
    providers = clubapp.only("compute", "aws_ecs_cluster_capacity_providers")["capacity_providers"]
    assert providers == ["FARGATE", "FARGATE_SPOT"]  # the seed's providers; its default, FARGATE, runs the service
    assert clubapp.only("compute", "aws_ecs_service")["launch_type"] == "FARGATE"
    policy = json.loads(clubapp.resources("data", "aws_iam_role_policy")["task-web"]["policy"])
    (presence,) = [s for s in policy["Statement"] if s["Sid"] == "PresenceCounts"]
    assert presence["Action"] == [
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
    ]
    assert presence["Resource"] == "${aws_dynamodb_table.table-presence.arn}"


def test_the_seeds_tags_on_every_resource_and_on_the_service(clubapp) -> None:
    for layer, stack in clubapp.stacks.items():
        tags = stack["provider"]["aws"][0]["default_tags"][0]["tags"]
        assert (tags["Project"], tags["Environment"], tags["CostCenter"]) == ("clubapp", "dev", "engineering"), layer
        assert stack["provider"]["aws"][0]["region"] == "us-east-1"
    assert clubapp.only("compute", "aws_ecs_service")["tags"] == {"Purpose": "backend-api"}
    assert clubapp.only("compute", "aws_ecs_service")["propagate_tags"] == "SERVICE"  # the tasks carry it too
    buckets = clubapp.resources("data", "aws_s3_bucket")
    assert {name: buckets[name]["tags"]["Purpose"] for name in ("assets", "receipts", "logs")} == {
        "assets": "assets", "receipts": "receipts", "logs": "logs"}  # fmt: skip


def test_only_the_services_tasks_touch_receipts(clubapp) -> None:
    """The seed's receipts bucket is private to the ECS tasks: its policy denies object access to every
    other principal, account administrators included."""
    policy = json.loads(clubapp.resources("data", "aws_s3_bucket_policy")["receipts-policy"]["policy"])
    (deny,) = [s for s in policy["Statement"] if s["Sid"] == "ObjectsOnlyForGrantedServices"]
    assert deny["Effect"] == "Deny" and deny["Principal"] == {"AWS": "*"}
    assert {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"} <= set(deny["Action"])
    assert deny["Resource"].endswith("clubapp-dev-receipts-${data.aws_caller_identity.account.account_id}/*")
    assert deny["Condition"] == {
        "ArnNotEquals": {
            "aws:PrincipalArn": ["${data.terraform_remote_state.security.outputs.task_role_arns.clubapp-dev-svc}"]
        }
    }
    assets = json.loads(clubapp.resources("data", "aws_s3_bucket_policy")["assets-policy"]["policy"])
    assert "ObjectsOnlyForGrantedServices" not in {s["Sid"] for s in assets["Statement"]}  # CloudFront reads it


def test_the_seeds_account_services_network_and_data_protection(clubapp, account_clubapp) -> None:
    vpc = clubapp.only("networking", "aws_vpc")
    assert vpc["enable_dns_hostnames"] is True and vpc["enable_dns_support"] is True
    assert len(clubapp.resources("networking", "aws_internet_gateway")) == 1
    # the account's own services, in its baseline (accounts/clubapp.yaml)
    trail = account_clubapp.only("baseline", "aws_cloudtrail")
    assert trail["is_multi_region_trail"] is True and trail["enable_log_file_validation"] is True
    assert account_clubapp.only("baseline", "aws_guardduty_detector")["enable"] is True
    assert account_clubapp.resources("baseline", "aws_securityhub_account")
    assert account_clubapp.only("baseline", "aws_iam_account_password_policy")["minimum_password_length"] >= 14
    assert clubapp.only("security", "aws_flow_log")["traffic_type"] == "ALL"
    (acl,) = clubapp.resources("security", "aws_wafv2_web_acl").values()
    (rate,) = [r for r in acl["rule"] if r["name"] == "rate-limit-per-ip"]
    assert rate["statement"]["rate_based_statement"]["aggregate_key_type"] == "IP"
    versioning = clubapp.resources("data", "aws_s3_bucket_versioning").values()
    assert {v["versioning_configuration"]["status"] for v in versioning} == {"Enabled"}
    blocks = clubapp.resources("data", "aws_s3_bucket_public_access_block").values()
    assert all(b[key] for b in blocks for key in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                                                   "restrict_public_buckets"))  # fmt: skip
    table = clubapp.only("data", "aws_dynamodb_table")
    assert table["point_in_time_recovery"] == {"enabled": True}  # the seed's 35-day window
    assert table["server_side_encryption"]["enabled"] is True and table["billing_mode"] == "PAY_PER_REQUEST"
    database = clubapp.only("data", "aws_db_instance")
    assert database["storage_encrypted"] is True and database["port"] == 5432
    assert database["kms_key_id"].startswith("${data.terraform_remote_state.security.outputs.kms_key_arns")
    assert clubapp.only("compute", "aws_ecr_repository")["image_scanning_configuration"] == {"scan_on_push": True}
    logging = clubapp.resources("data", "aws_s3_bucket_logging")
    logged = ("assets", "receipts", "logs")
    targets = {name: logging[f"{name}-logging"]["target_bucket"] for name in logged}
    assert targets == dict.fromkeys(logged, "${aws_s3_bucket.access-logs.bucket}")


def test_the_seeds_security_groups_and_listeners(clubapp) -> None:
    ingress = {(r["from_port"], r.get("cidr_ipv4") or r["referenced_security_group_id"])
               for r in clubapp.resources("security", "aws_vpc_security_group_ingress_rule").values()
               if r["security_group_id"] == "${aws_security_group.sg-alb.id}"}  # fmt: skip
    assert ingress == {(80, "0.0.0.0/0"), (443, "0.0.0.0/0")}
    egress = {(r["from_port"], r.get("cidr_ipv4") or r["referenced_security_group_id"])
              for r in clubapp.resources("security", "aws_vpc_security_group_egress_rule").values()
              if r["security_group_id"] == "${aws_security_group.sg-service-web.id}"}  # fmt: skip
    assert egress == {(5432, "${aws_security_group.sg-database.id}"), (6379, "${aws_security_group.sg-cache.id}"),
                      (443, "0.0.0.0/0")}  # fmt: skip
    into_database = [r for r in clubapp.resources("security", "aws_vpc_security_group_ingress_rule").values()
                     if r["security_group_id"] == "${aws_security_group.sg-database.id}"]  # fmt: skip
    assert [(r["from_port"], r["referenced_security_group_id"]) for r in into_database] == [
        (5432, "${aws_security_group.sg-service-web.id}")
    ]
    listeners = {listener["port"]: listener for listener in clubapp.resources("compute", "aws_lb_listener").values()}
    redirect = listeners[80]["default_action"][0]["redirect"]
    assert (redirect["protocol"], redirect["port"], redirect["status_code"]) == ("HTTPS", "443", "HTTP_301")
    assert listeners[443]["certificate_arn"] == "${data.terraform_remote_state.security.outputs.certificate_arn}"
    balancer = clubapp.only("compute", "aws_lb")
    assert (balancer["name"], balancer["internal"], balancer["load_balancer_type"]) == (
        "clubapp-dev-alb", False, "application")  # fmt: skip
    assert clubapp.only("security", "aws_acm_certificate")["domain_name"] == "api.desh.co"
    (container,) = json.loads(clubapp.only("compute", "aws_ecs_task_definition")["container_definitions"])
    assert container["logConfiguration"]["options"]["awslogs-stream-prefix"] == "ecs"
    assert container["essential"] is True


def test_the_seeds_dashboard_metrics(clubapp) -> None:
    def metrics(suffix: str) -> set[str]:
        (board,) = [d for d in clubapp.resources("observability", "aws_cloudwatch_dashboard").values()
                    if d["dashboard_name"].endswith(suffix)]  # fmt: skip
        return {m[1] for w in json.loads(board["dashboard_body"])["widgets"] for m in w["properties"]["metrics"]}

    assert {"CPUUtilization", "MemoryUtilization"} <= metrics("-services")
    assert {"RequestCount", "HealthyHostCount", "TargetResponseTime", "HTTPCode_Target_5XX_Count"} <= metrics(
        "-load-balancer")  # fmt: skip
    assert {"DatabaseConnections", "ReadLatency", "WriteLatency", "FreeStorageSpace"} <= metrics("-database")
    assert {"CacheHitRate", "Evictions", "CPUUtilization", "EngineCPUUtilization", "DatabaseMemoryUsagePercentage",
            "CurrItems", "NetworkBytesIn", "NetworkBytesOut"} <= metrics("-cache")  # fmt: skip


def test_the_seeds_release_path_through_github_oidc(clubapp) -> None:
    """Deployment: GitHub Actions assumes the OIDC role, pushes to the registry and rolls the service."""
    role = clubapp.resources("pipeline", "aws_iam_role")["deploy-role"]
    (trust,) = json.loads(role["assume_role_policy"])["Statement"]
    assert trust["Principal"] == {"Federated": "${data.aws_iam_openid_connect_provider.github-oidc.arn}"}
    assert trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"].startswith(
        "repo:desh/clubapp-backend:")  # fmt: skip
    statements = {s["Sid"]: s for s in json.loads(
        clubapp.resources("pipeline", "aws_iam_role_policy")["deploy-permissions"]["policy"])["Statement"]}  # fmt: skip
    assert {"ecr:PutImage", "ecr:CompleteLayerUpload"} <= set(statements["PushServiceImages"]["Action"])
    assert statements["RollServices"]["Action"] == ["ecs:UpdateService", "ecs:DescribeServices"]
