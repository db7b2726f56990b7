"""The MediSync seed's stated values, found in the synthesized JSON of each layer."""

from __future__ import annotations

import json

import yaml

from hipaa_platform.config import Environment
from hipaa_platform.config.loader import ENVIRONMENTS_DIR

SERVICES = {
    "ingestion-service": 4,
    "sync-engine": 6,
    "compliance-service": 3,
    "notification-service": 2,
    "analytics-worker": 3,
}


PURPOSES = ("default", "staging", "aurora", "compliance", "pipeline", "logs")


def key(purpose: str) -> str:
    """How a later layer names a key: by its purpose in the security layer's kms_key_arns map."""
    assert purpose in PURPOSES
    return f"security.outputs.kms_key_arns.{purpose}}}"


def statements(resource: dict, key: str = "policy") -> dict[str, dict]:
    return {s["Sid"]: s for s in json.loads(resource[key])["Statement"]}


def by_name(resources: dict[str, dict], key: str = "name") -> dict[str, dict]:
    return {r[key]: r for r in resources.values()}


def test_three_azs_of_public_private_and_isolated_subnets(medisync) -> None:
    subnets = by_name(medisync.resources("networking", "aws_subnet"), "cidr_block")
    for tier, third_octet in (("public", 1), ("private", 11), ("isolated", 21)):
        for offset, az in enumerate(("us-east-1a", "us-east-1b", "us-east-1c")):
            subnet = subnets[f"10.10.{third_octet + offset}.0/24"]
            assert (subnet["availability_zone"], subnet["tags"]["Tier"]) == (az, tier)
    assert medisync.only("networking", "aws_vpc")["cidr_block"] == "10.10.0.0/16"
    assert len(medisync.resources("networking", "aws_nat_gateway")) == 3


def test_isolated_subnets_have_no_route_out(medisync) -> None:
    tables = medisync.resources("networking", "aws_route_table")
    isolated = [key for key, t in tables.items() if t["tags"]["Name"] == "medisync-isolated"]
    assert len(isolated) == 1
    routes = medisync.resources("networking", "aws_route").values()
    assert not [r for r in routes if isolated[0] in r["route_table_id"]]
    assert [r for r in routes if "nat_gateway_id" in r], "private subnets route out through NAT"


def test_vpc_endpoints_are_the_seeds(medisync) -> None:
    endpoints = medisync.resources("networking", "aws_vpc_endpoint").values()
    kinds = {e["service_name"].removeprefix("com.amazonaws.us-east-1."): e["vpc_endpoint_type"] for e in endpoints}
    interface = {"ecr.api", "ecr.dkr", "secretsmanager", "kms", "sts", "logs", "xray", "sqs", "sns", "events"}
    assert kinds == {**dict.fromkeys(interface, "Interface"), "s3": "Gateway", "dynamodb": "Gateway"}


def test_keys_per_purpose_rotate_yearly(medisync) -> None:
    keys = medisync.resources("security", "aws_kms_key").values()
    assert len(keys) == 6 and all(k["enable_key_rotation"] is True for k in keys)
    aliases = {a["name"] for a in medisync.resources("security", "aws_kms_alias").values()}
    assert aliases == {
        f"alias/medisync-{p}" for p in ("platform", "staging", "aurora", "compliance", "pipeline", "logs")
    }
    flow_logs = by_name(medisync.resources("security", "aws_cloudwatch_log_group"))["/vpc-flow-logs/medisync"]
    assert flow_logs["retention_in_days"] == 365 and "logs-key" in flow_logs["kms_key_id"]


def test_task_roles_trust_only_this_accounts_ecs_and_are_bounded(medisync) -> None:
    roles = by_name(medisync.resources("security", "aws_iam_role"))
    for service in SERVICES:
        task = roles[f"medisync-{service}-ecs-task-role"]
        (trust,) = json.loads(task["assume_role_policy"])["Statement"]
        assert trust["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
        assert trust["Condition"]["ArnLike"]["aws:SourceArn"].startswith("arn:${data.aws_partition")
        assert ":ecs:us-east-1:" in trust["Condition"]["ArnLike"]["aws:SourceArn"]
        assert "aws:SourceAccount" in trust["Condition"]["StringEquals"]
        for role in (task, roles[f"medisync-{service}-ecs-execution-role"]):
            assert "workload-boundary" in role["permissions_boundary"]
    boundary = statements(medisync.only("security", "aws_iam_policy"))
    assert "iam:*" in boundary["NeverManageIdentityOrKeys"]["Action"]
    assert "rds-db:connect" in boundary["WorkloadActionsOnly"]["Action"]
    # Key actions only on this environment's keys, never on "*" (CKV_HIPAA_6).
    own_keys = boundary["OwnKeysOnly"]
    assert not any(a.startswith("kms:") for a in boundary["WorkloadActionsOnly"]["Action"])
    assert own_keys["Action"] == ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    assert own_keys["Resource"].startswith("arn:${data.aws_partition") and ":kms:us-east-1:" in own_keys["Resource"]
    assert own_keys["Condition"] == {"StringEquals": {"aws:ResourceTag/PlatformEnvironment": "medisync-prod"}}


def _task_policy(medisync, service: str) -> dict[str, dict]:
    return statements(medisync.resources("data", "aws_iam_role_policy")[f"task-{service}"])


def test_ingestion_policy_is_the_seeds(medisync) -> None:
    policy = _task_policy(medisync, "ingestion-service")
    assert set(policy) == {"WriteSQS", "ReadStagingBucket", "XRayTracing", "KMSDecrypt"}
    assert policy["WriteSQS"]["Action"] == ["sqs:SendMessage", "sqs:GetQueueAttributes"]
    assert "queue-clinical-events" in policy["WriteSQS"]["Resource"]
    bucket, objects = policy["ReadStagingBucket"]["Resource"]
    assert objects == bucket + "/hl7/*"
    assert key("staging") in policy["KMSDecrypt"]["Resource"]


def test_sync_engine_and_compliance_policies_are_the_seeds(medisync) -> None:
    sync = _task_policy(medisync, "sync-engine")
    assert sync["RDSIAMAuth"]["Action"] == ["rds-db:connect"]
    assert sync["RDSIAMAuth"]["Resource"].endswith("cluster_resource_id}/sync_engine")
    assert ":rds-db:us-east-1:" in sync["RDSIAMAuth"]["Resource"]
    assert sync["PutEvents"]["Condition"] == {"StringEquals": {"events:source": "medisync.sync-engine"}}
    assert len(sync["CacheAccess"]["Resource"]) == 2  # the cache and the IAM user it connects as
    compliance = _task_policy(medisync, "compliance-service")
    assert compliance["DynamoDBAccess"]["Resource"][1].endswith("/index/*")
    assert compliance["ComplianceReportsBucket"]["Resource"].endswith("/reports/*")
    assert compliance["ComplianceReportsBucket"]["Condition"] == {
        "StringEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}
    }
    assert key("compliance") in compliance["KMSForReports"]["Resource"]


def test_execution_roles_read_only_their_own_secrets(medisync) -> None:
    policies = medisync.resources("security", "aws_iam_role_policy")
    sync = statements(policies["service-sync-engine-execution-secrets"])
    assert {s for s in sync["ReadSecrets"]["Resource"]} == {
        "${aws_secretsmanager_secret.secret-database.arn}",
        "${aws_secretsmanager_secret.secret-redis.arn}",
    }
    assert "service-analytics-worker-execution-secrets" not in policies  # it reads no secret
    secrets = medisync.resources("security", "aws_secretsmanager_secret").values()
    assert all("secret_string" not in s for s in secrets)
    assert not medisync.resources("security", "aws_secretsmanager_secret_version")


def test_waf_has_the_managed_groups_the_rate_limit_and_the_clinical_rule(medisync) -> None:
    acl = medisync.only("security", "aws_wafv2_web_acl")
    rules = {r["name"]: r for r in acl["rule"]}
    assert {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"} <= set(rules)
    rate = rules["rate-limit-per-ip"]["statement"]["rate_based_statement"]
    assert rate == {"limit": 1000, "aggregate_key_type": "IP"}
    assert "and_statement" in rules["clinical-endpoints-media-type"]["statement"]
    logging = medisync.only("security", "aws_wafv2_web_acl_logging_configuration")
    (destination,) = logging["log_destination_configs"]
    assert destination.startswith("${aws_cloudwatch_log_group.waf-logs")
    assert medisync.resources("compute", "aws_wafv2_web_acl_association")


def test_guardduty_security_hub_and_the_audit_trail(account_medisync) -> None:
    baseline = account_medisync  # MediSync's account (accounts/medisync.yaml)
    assert baseline.only("baseline", "aws_guardduty_detector")["enable"] is True
    assert len(baseline.resources("baseline", "aws_securityhub_standards_subscription")) == 2
    trail = baseline.only("baseline", "aws_cloudtrail")
    assert trail["is_multi_region_trail"] is True and trail["enable_log_file_validation"] is True
    assert "evidence-key" in trail["kms_key_id"] and trail["cloud_watch_logs_group_arn"].endswith(":*")
    lock = baseline.resources("baseline", "aws_s3_bucket_object_lock_configuration")["cloudtrail-bucket-object-lock"]
    assert lock["rule"]["default_retention"] == {"mode": "COMPLIANCE", "days": 7 * 365}


def test_aurora_serverless_v2_matches_the_seed(medisync) -> None:
    cluster = medisync.only("data", "aws_rds_cluster")
    assert (cluster["engine"], cluster["engine_mode"], cluster["engine_version"]) == (
        "aurora-postgresql",
        "provisioned",
        "16.1",
    )
    assert cluster["serverlessv2_scaling_configuration"] == {"min_capacity": 0.5, "max_capacity": 64}
    assert cluster["iam_database_authentication_enabled"] is True and cluster["storage_encrypted"] is True
    assert key("aurora") in cluster["kms_key_id"]
    assert (cluster["deletion_protection"], cluster["skip_final_snapshot"]) == (True, False)
    assert (cluster["backup_retention_period"], cluster["preferred_backup_window"]) == (35, "03:00-04:00")
    assert cluster["enabled_cloudwatch_logs_exports"] == ["postgresql"]
    assert cluster["lifecycle"]["prevent_destroy"] is True
    instances = medisync.resources("data", "aws_rds_cluster_instance").values()
    assert len(instances) == 2 and {i["availability_zone"] for i in instances} == {"us-east-1a", "us-east-1b"}
    for instance in instances:
        assert instance["instance_class"] == "db.serverless" and instance["publicly_accessible"] is False
        assert (
            instance["performance_insights_enabled"] is True
            and key("aurora") in instance["performance_insights_kms_key_id"]
        )
        assert instance["monitoring_interval"] == 15


def test_cache_tables_queues_and_bus(medisync) -> None:
    cache = medisync.only("data", "aws_elasticache_serverless_cache")
    assert (cache["engine"], cache["major_engine_version"]) == ("redis", "7") and cache["kms_key_id"]
    users = by_name(medisync.resources("data", "aws_elasticache_user"), "user_name")
    assert users["sync-engine"]["authentication_mode"] == {"type": "iam"}
    assert users["default"]["access_string"].startswith("off")
    table = medisync.only("data", "aws_dynamodb_table")
    assert table["point_in_time_recovery"] == {"enabled": True}
    assert (
        table["server_side_encryption"]["enabled"] is True
        and key("compliance") in table["server_side_encryption"]["kms_key_arn"]
    )
    queues = by_name(medisync.resources("data", "aws_sqs_queue"))
    fifo = queues["medisync-clinical-events.fifo"]
    assert fifo["fifo_queue"] is True and key("staging") in fifo["kms_master_key_id"]
    assert json.loads(fifo["redrive_policy"])["deadLetterTargetArn"].endswith(".arn}")
    assert "medisync-clinical-events-dlq.fifo" in queues and "medisync-clinical-events-delivery-dlq" in queues
    archive = medisync.only("data", "aws_cloudwatch_event_archive")
    assert archive["retention_days"] == 90
    target = medisync.only("data", "aws_cloudwatch_event_target")
    assert target["dead_letter_config"]["arn"].startswith("${aws_sqs_queue.event-bus-dlq")


def test_five_services_from_one_module(medisync) -> None:
    services = by_name(medisync.resources("compute", "aws_ecs_service"))
    assert {name: s["desired_count"] for name, s in services.items()} == SERVICES
    for service in services.values():
        assert service["deployment_controller"] == {"type": "CODE_DEPLOY"}
        assert service["network_configuration"]["assign_public_ip"] is False
        assert "private" in json.dumps(service["network_configuration"]["subnets"])
        assert service["service_registries"]["registry_arn"]
        assert set(service["lifecycle"]["ignore_changes"]) == {"task_definition", "load_balancer", "desired_count"}
        assert service["enable_execute_command"] is True
    for task in medisync.resources("compute", "aws_ecs_task_definition").values():
        assert task["runtime_platform"]["cpu_architecture"] == "ARM64"
        app, xray = json.loads(task["container_definitions"])
        assert app["linuxParameters"] == {"initProcessEnabled": True}
        assert app["healthCheck"]["interval"] == 15 and app["healthCheck"]["startPeriod"] == 60
        assert app["logConfiguration"]["options"]["awslogs-group"] == f"/ecs/medisync/{app['name']}"
        assert (xray["name"], xray["essential"], xray["portMappings"][0]["protocol"]) == ("xray-daemon", False, "udp")
        assert all(s["valueFrom"].startswith("${data.terraform_remote_state.security.") for s in app.get("secrets", []))
        if app["name"] == "sync-engine":
            secrets = {s["name"]: s["valueFrom"] for s in app["secrets"]}
            assert secrets["DATABASE_URL"].endswith("secret_arns.database}:connection_string::")
            assert secrets["REDIS_URL"].endswith("secret_arns.redis}:url::")


def test_routing_is_per_service_on_both_listeners(medisync) -> None:
    rules = medisync.resources("compute", "aws_lb_listener_rule").values()
    patterns = [tuple(r["condition"][0]["path_pattern"]["values"]) for r in rules]
    assert len(patterns) == 10 and len(set(patterns)) == 5  # production and test listener, one rule each
    assert ("/hl7/*", "/fhir/*") in patterns
    assert all(r["lifecycle"]["ignore_changes"] == ["action"] for r in rules)
    alb = medisync.only("compute", "aws_lb")
    assert alb["internal"] is True
    assert len(medisync.resources("compute", "aws_lb_target_group")) == 10


def test_scaling_tracks_cpu_and_requests_and_the_sync_engine_queue(medisync) -> None:
    policies = by_name(medisync.resources("compute", "aws_appautoscaling_policy"))
    cpu = policies["medisync-ingestion-service-cpu-scaling"]["target_tracking_scaling_policy_configuration"]
    assert cpu["target_value"] == 65 and cpu["scale_in_cooldown"] == 300 and cpu["scale_out_cooldown"] == 60
    requests = policies["medisync-sync-engine-request-scaling"]["target_tracking_scaling_policy_configuration"]
    assert requests["target_value"] == 500
    steps = policies["medisync-sync-engine-queue-scaling"]["step_scaling_policy_configuration"]
    assert [s["scaling_adjustment"] for s in steps["step_adjustment"]] == [2, 5]
    assert steps["cooldown"] == 120
    assert len(policies) == 11


def test_edges_api_gateway_and_cloudfront(medisync) -> None:
    route = medisync.only("compute", "aws_apigatewayv2_route")
    assert route["authorization_type"] == "AWS_IAM"
    integration = medisync.only("compute", "aws_apigatewayv2_integration")
    assert integration["connection_type"] == "VPC_LINK"
    distribution = medisync.only("compute", "aws_cloudfront_distribution")
    assert distribution["restrictions"]["geo_restriction"] == {
        "restriction_type": "whitelist",
        "locations": ["US", "CA"],
    }
    assert {e["error_code"] for e in distribution["custom_error_response"]} == {403, 404}
    assert distribution["viewer_certificate"]["minimum_protocol_version"] == "TLSv1.2_2021"
    assert distribution["default_cache_behavior"]["response_headers_policy_id"]
    assert medisync.only("compute", "aws_cloudfront_origin_access_control")["signing_behavior"] == "always"


def test_pipelines_deploy_blue_green_with_rollback(medisync) -> None:
    pipelines = medisync.resources("pipeline", "aws_codepipeline").values()
    assert len(pipelines) == 5
    for pipeline in pipelines:
        assert [s["name"] for s in pipeline["stage"]] == ["Source", "Build", "Deploy", "PostDeploy"]
        assert pipeline["artifact_store"][0]["encryption_key"]["type"] == "KMS"
    for group in medisync.resources("pipeline", "aws_codedeploy_deployment_group").values():
        assert group["deployment_config_name"] == "CodeDeployDefault.ECSCanary10Percent5Minutes"
        assert group["auto_rollback_configuration"]["events"] == ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]
        wait = group["blue_green_deployment_config"]["terminate_blue_instances_on_deployment_success"]
        assert wait["termination_wait_time_in_minutes"] == 15
        assert group["alarm_configuration"]["alarms"][0].endswith("-5xx-rate")
    for repository in medisync.resources("compute", "aws_ecr_repository").values():
        assert repository["image_tag_mutability"] == "IMMUTABLE"
        assert repository["image_scanning_configuration"] == {"scan_on_push": True}
    build = next(iter(medisync.resources("pipeline", "aws_codebuild_project").values()))
    spec = yaml.safe_load(build["source"]["buildspec"])
    assert set(spec["phases"]) >= {"pre_build", "build"}


def test_the_buildspecs_are_the_text_pure_python_yaml_writes(medisync) -> None:
    """The build specs are written with libyaml's emitter for speed; the text is the same."""
    specs = [p["source"]["buildspec"] for p in medisync.resources("pipeline", "aws_codebuild_project").values()]
    assert len(specs) == 10  # a build and an integration test per service
    for text in specs:
        assert yaml.safe_dump(yaml.safe_load(text), sort_keys=False) == text


def test_alarm_names_codedeploy_watches_exist(medisync) -> None:
    alarms = {a["alarm_name"] for a in medisync.resources("observability", "aws_cloudwatch_metric_alarm").values()}
    for group in medisync.resources("pipeline", "aws_codedeploy_deployment_group").values():
        assert set(group["alarm_configuration"]["alarms"]) <= alarms


def test_observability_matches_the_seed(medisync) -> None:
    composites = medisync.resources("observability", "aws_cloudwatch_composite_alarm").values()
    assert len(composites) == 5
    for composite in composites:
        assert composite["alarm_rule"].count("ALARM(") == 3
        assert "critical" in composite["alarm_actions"][0] and "recovery" in composite["ok_actions"][0]
    alarms = by_name(medisync.resources("observability", "aws_cloudwatch_metric_alarm"), "alarm_name")
    rate = alarms["medisync-sync-engine-5xx-rate"]
    assert rate["metric_query"][0]["expression"] == "(errors / total) * 100"
    assert (rate["threshold"], rate["evaluation_periods"]) == (1, 3)
    assert len(medisync.resources("observability", "aws_cloudwatch_dashboard")) == 6
    rules = by_name(medisync.resources("observability", "aws_xray_sampling_rule"), "rule_name")
    assert rules["medisync-baseline"]["fixed_rate"] == 0.05 and rules["medisync-errors"]["fixed_rate"] == 1
    assert medisync.only("observability", "aws_xray_group")["filter_expression"] == "responsetime > 2"
    assert len(medisync.resources("observability", "aws_cloudwatch_log_metric_filter")) == 10


def test_the_build_runs_what_the_environment_file_says(medisync, synthesize_variant) -> None:
    """Build steps and CPU are configuration: the seed's npm/trivy/ARM64 come from medisync-prod.yaml."""
    build = medisync.resources("pipeline", "aws_codebuild_project")
    spec = yaml.safe_load(next(p for k, p in build.items() if k.endswith("-build"))["source"]["buildspec"])
    commands = spec["phases"]["build"]["commands"]
    assert commands[0] == "npm ci && npm run lint && npm run test:coverage"
    assert commands[1].startswith("trivy fs") and "--platform linux/arm64" in commands[2]
    assert {p["environment"]["type"] for p in build.values()} == {"ARM_CONTAINER"}

    raw = yaml.safe_load((ENVIRONMENTS_DIR / "medisync-prod.yaml").read_text())
    document = {key: value for key, value in raw.items() if not key.startswith("x-")}  # anchors, as the loader does
    pipeline = document["pipeline"]["codepipeline"]
    pipeline["build_image"] = "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    pipeline["build"] = {"architecture": "X86_64", "test": ["make test"], "integration_test": ["make e2e"]}
    variant = synthesize_variant(Environment.model_validate(document))
    builds = variant.resources("pipeline", "aws_codebuild_project")
    spec = yaml.safe_load(next(p for k, p in builds.items() if k.endswith("-build"))["source"]["buildspec"])
    commands = spec["phases"]["build"]["commands"]
    assert commands[0] == "make test" and "--platform linux/amd64" in commands[1]
    assert not any("trivy" in c or "npm" in c for c in commands)
    assert {p["environment"]["type"] for p in builds.values()} == {"LINUX_CONTAINER"}


def test_the_notification_service_sends_mail_through_ses_as_its_sender_only(medisync, account_medisync) -> None:
    assert account_medisync.only("baseline", "aws_ses_domain_identity")["domain"] == "medisync.health"
    grants = statements(medisync.resources("data", "aws_iam_role_policy")["task-notification-service"])
    send = grants["SendMailAsTheSender"]
    assert send["Action"] == ["ses:SendEmail", "ses:SendRawEmail"]
    assert send["Resource"].startswith("arn:")
    assert send["Resource"].endswith(":identity/medisync.health")  # the account's identity, by its ARN
    assert send["Condition"] == {"StringEquals": {"ses:FromAddress": "notifications@medisync.health"}}
    others = [
        p
        for name, p in medisync.resources("data", "aws_iam_role_policy").items()
        if name != "task-notification-service"
    ]
    assert not any("ses:" in p["policy"] for p in others)  # no other service may send
    egress = medisync.resources("security", "aws_vpc_security_group_egress_rule").values()
    assert not any(r["from_port"] == 587 for r in egress)  # the API over HTTPS, no SMTP port
