"""The secure registration portal (seed 004): an air gap that holds, NACLs per tier, ECS on EC2
capacity, RDS MySQL with backups copied to a second region, and the seed's stated values."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from hipaa_platform.config import Compute, Database, Ec2Capacity, Environment, NetworkAcls
from hipaa_platform.config.loader import load_environment

PRIVATE_TIERS = ("private", "isolated")


def tables_with_a_way_out(synthesized) -> dict[str, list[str]]:
    """Route table id -> where its routes lead outside the VPC, for every table that a private or
    isolated subnet is associated with (routes given as aws_route resources or inline)."""
    networking = synthesized.stacks["networking"]["resource"]
    subnets = networking["aws_subnet"]
    inner = {f"${{aws_subnet.{sid}.id}}" for sid, s in subnets.items() if s["tags"]["Tier"] in PRIVATE_TIERS}
    tables = {
        a["route_table_id"] for a in networking["aws_route_table_association"].values() if a["subnet_id"] in inner
    }
    assert tables, "no route table serves the private tiers"
    ways_out: dict[str, list[str]] = {table: [] for table in tables}
    for route in networking.get("aws_route", {}).values():
        if route["route_table_id"] in tables:
            target = next(route[k] for k in route if k.endswith(("gateway_id", "interface_id", "endpoint_id")))
            ways_out[route["route_table_id"]].append(f"{route.get('destination_cidr_block')} -> {target}")
    for table_id, table in networking["aws_route_table"].items():
        for route in table.get("route") or []:
            ways_out[f"${{aws_route_table.{table_id}.id}}"].append(str(route))
    return {table: routes for table, routes in ways_out.items() if routes}


def test_no_private_or_isolated_subnet_has_a_route_out(secure_portal) -> None:
    assert tables_with_a_way_out(secure_portal) == {}
    assert "aws_nat_gateway" not in secure_portal.stacks["networking"]["resource"]


def test_the_route_walk_finds_a_nat_route_where_there_is_one(clubapp) -> None:
    ways_out = tables_with_a_way_out(clubapp)
    assert len(ways_out) == 2  # one NAT gateway per AZ, one private table each
    assert all("0.0.0.0/0 -> ${aws_nat_gateway." in routes[0] for routes in ways_out.values())


def test_s3_is_reached_through_its_gateway_endpoint_from_both_private_tiers(secure_portal) -> None:
    endpoints = secure_portal.resources("networking", "aws_vpc_endpoint")
    gateway = endpoints["network-endpoint-s3"]
    assert gateway["vpc_endpoint_type"] == "Gateway"
    assert len(gateway["route_table_ids"]) == 3  # two private tables and the isolated one
    interface = {
        e["service_name"].rsplit(".", 1)[-1] for e in endpoints.values() if e["vpc_endpoint_type"] == "Interface"
    }
    services = {e["service_name"].removeprefix("com.amazonaws.us-east-1.") for e in endpoints.values()}
    # the tasks, the ECS agent and Session Manager, with no route out
    assert {"ecr.api", "ecr.dkr", "logs", "secretsmanager", "kms", "sts"} <= services
    assert {"ecs", "ecs-agent", "ecs-telemetry", "ssm", "ssmmessages", "ec2messages"} <= interface


def test_every_tier_has_its_own_acl_and_nothing_opens_ssh(secure_portal) -> None:
    acls = secure_portal.resources("networking", "aws_network_acl")
    assert sorted(acls) == ["network-isolated-nacl", "network-private-nacl", "network-public-nacl"]
    for name, acl in acls.items():
        assert acl["subnet_ids"], name
        for entry in [*acl["ingress"], *acl["egress"]]:
            assert entry["protocol"] == "6" and entry["action"] == "allow", (name, entry)
            assert not entry["from_port"] <= 22 <= entry["to_port"] or entry["cidr_block"] != "0.0.0.0/0"
    isolated = acls["network-isolated-nacl"]
    assert [(e["from_port"], e["cidr_block"]) for e in isolated["ingress"]] == [(3306, "10.0.10.0/23")]
    for rule in secure_portal.resources("security", "aws_vpc_security_group_ingress_rule").values():
        assert rule["from_port"] != 22, rule


def acl_rule(**changes) -> dict:
    rule = {
        "number": 100,
        "direction": "ingress",
        "cidr": "10.0.0.0/16",
        "from_port": 443,
        "to_port": 443,
        "description": "HTTPS inside the VPC",
    }
    return rule | changes


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([acl_rule(), acl_rule(from_port=80, to_port=80)], r"private: ingress rule number 100 is used twice"),
        ([acl_rule(from_port=2000, to_port=1024)], r"rule 100: from_port 2000 is above to_port 1024"),
        (
            [acl_rule(cidr="0.0.0.0/0", protocol="all", from_port=None, to_port=None)],
            r"allows every port from anywhere",
        ),
        ([acl_rule(cidr="0.0.0.0/0", from_port=0, to_port=65535)], r"private: rule 100 \(ingress\) allows every port"),
        ([acl_rule(protocol="all")], r"ports apply to tcp and udp only"),
    ],
)
def test_bad_acl_rules_are_refused(rules, message) -> None:
    with pytest.raises(ValidationError, match=message):
        NetworkAcls.model_validate({"private": rules})


def test_acl_rules_that_differ_in_direction_or_tier_may_share_a_number() -> None:
    acls = NetworkAcls.model_validate(
        {
            "public": [acl_rule(cidr="0.0.0.0/0", from_port=0, to_port=65535)],  # the internet's edge may
            "private": [acl_rule(), acl_rule(direction="egress")],
        }
    )
    assert len(acls.private) == 2


def test_the_container_instances_are_locked_down(secure_portal) -> None:
    template = secure_portal.only("compute", "aws_launch_template")
    assert template["metadata_options"] == {
        "http_endpoint": "enabled",
        "http_put_response_hop_limit": 1,
        "http_tokens": "required",
    }
    assert template["monitoring"] == {"enabled": True}
    assert "key_name" not in template
    assert template["iam_instance_profile"]["arn"].endswith("container_instance_profile_arns.ec2-capacity}")
    (interface,) = template["network_interfaces"]
    assert interface["associate_public_ip_address"] == "false"
    (root,) = template["block_device_mappings"]
    assert root["ebs"]["encrypted"] == "true"
    assert root["ebs"]["kms_key_id"].endswith("kms_key_arns.default}")
    assert template["instance_type"] == "t3.small"
    group = secure_portal.only("compute", "aws_autoscaling_group")
    assert (group["min_size"], group["max_size"], group["protect_from_scale_in"]) == (2, 4, True)
    assert "private_subnet_ids" in group["vpc_zone_identifier"]
    assert group["service_linked_role_arn"].endswith("autoscaling_role_arns.ec2-capacity}")
    provider = secure_portal.only("compute", "aws_ecs_capacity_provider")["auto_scaling_group_provider"]
    assert provider["managed_termination_protection"] == "ENABLED"
    assert provider["managed_scaling"]["status"] == "ENABLED"


def test_the_instances_are_patched_by_a_weekly_refresh_onto_the_ami_recommended_then(secure_portal) -> None:
    """Each launch resolves AWS's recommended ECS-optimized AMI; a weekly schedule replaces every instance,
    the scale-in-protected ones too (all of them, under ECS's managed termination protection), launching
    each replacement first; a changed launch template is rolled out the same way."""
    template = secure_portal.only("compute", "aws_launch_template")
    assert template["image_id"] == "resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
    group = secure_portal.only("compute", "aws_autoscaling_group")
    # A new template version changes the group (not $Latest), so Terraform starts a refresh for it.
    assert group["launch_template"]["version"].endswith(".latest_version}")
    preferences = group["instance_refresh"]["preferences"]
    assert preferences["scale_in_protected_instances"] == "Refresh"
    assert (preferences["min_healthy_percentage"], preferences["max_healthy_percentage"]) == (100, 200)
    schedule = secure_portal.only("compute", "aws_scheduler_schedule")
    assert schedule["schedule_expression"] == "cron(0 4 ? * SUN *)"
    assert schedule["target"]["arn"] == "arn:aws:scheduler:::aws-sdk:autoscaling:startInstanceRefresh"
    request = json.loads(schedule["target"]["input"])
    assert request["AutoScalingGroupName"] == group["name"]
    assert (
        request["Preferences"]["ScaleInProtectedInstances"] == "Refresh" and not request["Preferences"]["SkipMatching"]
    )
    assert schedule["target"]["role_arn"].endswith("instance_refresh_role_arns.ec2-capacity}")
    # The role may start a refresh of this group and do nothing else.
    role = secure_portal.resources("security", "aws_iam_role")["instance-refresh-role"]
    trust = json.loads(role["assume_role_policy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"]["ArnLike"]["aws:SourceArn"].endswith(f":schedule/default/{schedule['name']}")
    (statement,) = json.loads(secure_portal.resources("security", "aws_iam_role_policy")["instance-refresh"]["policy"])[
        "Statement"
    ]
    assert statement["Action"] == ["autoscaling:StartInstanceRefresh"]
    assert statement["Resource"].endswith(f":autoScalingGroupName/{group['name']}")


def test_the_refresh_schedule_must_be_a_scheduler_expression() -> None:
    with pytest.raises(ValidationError, match="refresh_schedule"):
        Ec2Capacity.model_validate(
            {"instance_type": "t3.small", "min_size": 1, "max_size": 2, "refresh_schedule": "weekly"}
        )


def test_instances_have_no_ingress_and_only_the_agents_permissions(secure_portal) -> None:
    groups = secure_portal.resources("security", "aws_security_group")
    assert "sg-instances" in groups
    ingress = secure_portal.resources("security", "aws_vpc_security_group_ingress_rule").values()
    assert not [r for r in ingress if r["security_group_id"] == "${aws_security_group.sg-instances.id}"]
    attached = {
        a["policy_arn"].rsplit("/", 1)[-1]
        for a in secure_portal.resources("security", "aws_iam_role_policy_attachment").values()
        if "container-instances-role" in a["role"]
    }
    assert attached == {"AmazonEC2ContainerServiceforEC2Role", "AmazonSSMManagedInstanceCore"}
    linked = secure_portal.only("security", "aws_iam_service_linked_role")
    assert (linked["aws_service_name"], linked["custom_suffix"]) == ("autoscaling.amazonaws.com", "aws-sec-pillar")
    (key,) = secure_portal.resources("security", "aws_kms_key").values()  # the default key encrypts the volumes
    by_sid = {s["Sid"]: s for s in json.loads(key["policy"])["Statement"]}
    role = "${aws_iam_service_linked_role.container-instances-autoscaling-role.arn}"
    for sid in ("AutoScalingEncryptsInstanceVolumes", "AutoScalingGrantsEbsForAttachedVolumes"):
        assert by_sid[sid]["Principal"]["AWS"] == role, sid
    assert by_sid["AutoScalingGrantsEbsForAttachedVolumes"]["Condition"] == {
        "Bool": {"kms:GrantIsForAWSResource": True}
    }


def test_the_service_runs_on_ec2_in_awsvpc_mode_with_the_seeds_values(secure_portal) -> None:
    task = secure_portal.only("compute", "aws_ecs_task_definition")
    assert (task["family"], task["requires_compatibilities"], task["network_mode"]) == (
        "backend-task",
        ["EC2"],
        "awsvpc",
    )
    assert (task["cpu"], task["memory"]) == ("256", "256")
    (container,) = json.loads(task["container_definitions"])
    assert container["portMappings"] == [{"containerPort": 5000, "protocol": "tcp"}]
    assert container["logConfiguration"]["options"]["awslogs-group"] == "/ecs/backend"
    assert {e["name"] for e in container["environment"]} == {"DB_HOST", "DB_NAME"}
    assert {s["name"] for s in container["secrets"]} == {"DB_USER", "DB_PASS"}
    assert container["user"] == "1000:1000"  # the seed's non-root user execution
    assert "changeme" not in secure_portal.text()
    service = secure_portal.only("compute", "aws_ecs_service")
    assert "launch_type" not in service
    assert service["capacity_provider_strategy"][0]["capacity_provider"].startswith("${aws_ecs_capacity_provider.")
    # ECS refuses a strategy naming a provider the cluster does not have yet
    assert service["depends_on"] == ["aws_ecs_cluster_capacity_providers.capacity-providers"]
    assert service["network_configuration"]["assign_public_ip"] is False
    assert service["enable_execute_command"] is True  # the seed's container access, logged by the cluster
    logging = secure_portal.only("compute", "aws_ecs_cluster")["configuration"]["execute_command_configuration"]
    assert logging["logging"] == "OVERRIDE"
    assert (
        service["desired_count"],
        service["deployment_minimum_healthy_percent"],
        service["deployment_maximum_percent"],
        service["health_check_grace_period_seconds"],
    ) == (2, 50, 200, 60)
    target = secure_portal.only("compute", "aws_lb_target_group")["health_check"]
    assert (
        target["path"],
        target["interval"],
        target["timeout"],
        target["healthy_threshold"],
        target["unhealthy_threshold"],
    ) == ("/health", 30, 5, 2, 3)
    lifecycle = json.loads(secure_portal.only("compute", "aws_ecr_lifecycle_policy")["policy"])
    assert 5 in [r["selection"]["countNumber"] for r in lifecycle["rules"]]


def test_the_seeds_tasks_do_not_fit_a_group_too_small_for_a_deployment() -> None:
    compute = load_environment("secure-portal").compute.model_dump(mode="json")
    capacity = compute["ec2_capacity"] | {"instance_type": "t3.micro", "max_size": 2}
    with pytest.raises(ValidationError, match=r"4 awsvpc tasks at the peak.*gives 2"):
        Compute.model_validate(compute | {"ec2_capacity": capacity})
    with pytest.raises(ValidationError, match=r"'t9.nano' is not an EC2 instance type"):
        Compute.model_validate(compute | {"ec2_capacity": capacity | {"instance_type": "t9.nano"}})
    arm = [s | {"cpu_architecture": "ARM64"} for s in compute["services"]]
    with pytest.raises(ValidationError, match=r"'backend-service' is ARM64, but ec2_capacity runs the x86_64"):
        Compute.model_validate(compute | {"services": arm})
    fargate_only = [s | {"capacity": "fargate", "memory": 512} for s in compute["services"]]
    with pytest.raises(ValidationError, match=r"ec2_capacity: no service has capacity: ec2"):
        Compute.model_validate(compute | {"services": fargate_only})


def test_mysql_requires_tls_and_copies_its_backups_to_another_region(secure_portal) -> None:
    database = secure_portal.only("data", "aws_db_instance")
    assert (database["engine"], database["engine_version"], database["port"]) == ("mysql", "8.4", 3306)
    assert database["manage_master_user_password"] is True and "password" not in database
    assert database["storage_encrypted"] is True and database["multi_az"] is True
    assert database["enabled_cloudwatch_logs_exports"] == ["audit", "error", "slowquery"]
    assert "isolated_subnet_ids" in secure_portal.only("data", "aws_db_subnet_group")["subnet_ids"]
    parameters = secure_portal.only("data", "aws_db_parameter_group")
    assert parameters["family"] == "mysql8.4"
    assert {"name": "require_secure_transport", "value": "1"} in parameters["parameter"]
    replication = secure_portal.only("data", "aws_db_instance_automated_backups_replication")
    assert replication["retention_period"] == 7
    assert replication["provider"] == "aws.us_west_2"
    key = secure_portal.only("data", "aws_kms_key")
    assert key["provider"] == "aws.us_west_2" and key["enable_key_rotation"] is True
    assert replication["kms_key_id"].startswith("${aws_kms_key.")
    providers = secure_portal.stacks["data"]["provider"]["aws"]
    assert {"us-east-1", "us-west-2"} == {p["region"] for p in providers}
    ingress = secure_portal.resources("security", "aws_vpc_security_group_ingress_rule").values()
    into_database = [r for r in ingress if r["security_group_id"] == "${aws_security_group.sg-database.id}"]
    assert [(r["from_port"], r["referenced_security_group_id"]) for r in into_database] == [
        (3306, "${aws_security_group.sg-service-backend.id}")
    ]


def test_the_seeds_database_alarms(secure_portal) -> None:
    alarms = {
        a["metric_name"]: a
        for a in secure_portal.resources("observability", "aws_cloudwatch_metric_alarm").values()
        if a.get("namespace") == "AWS/RDS"
    }
    for metric, threshold in (("CPUUtilization", 80), ("DatabaseConnections", 40)):
        alarm = alarms[metric]
        assert (alarm["threshold"], alarm["period"], alarm["evaluation_periods"]) == (threshold, 300, 2), metric
        assert alarm["comparison_operator"] == "GreaterThanThreshold"


def test_a_monthly_budget_alerts_on_actual_cost_and_on_the_forecast(secure_portal) -> None:
    budget = secure_portal.only("observability", "aws_budgets_budget")
    assert (budget["limit_amount"], budget["limit_unit"], budget["time_unit"]) == ("350.00", "USD", "MONTHLY")
    alerts = {(n["notification_type"], n["threshold"]) for n in budget["notification"]}
    assert alerts == {("ACTUAL", 80), ("ACTUAL", 100), ("FORECASTED", 100)}
    assert {a for n in budget["notification"] for a in n["subscriber_email_addresses"]} == {
        "platform@registration-portal.example"
    }


@pytest.mark.parametrize("user", ["0", "0:0", "root", "1000:root"])
def test_a_container_user_must_be_a_non_root_uid(user: str) -> None:
    env = load_environment("secure-portal").model_dump(mode="json")
    env["compute"]["services"][0]["user"] = user
    with pytest.raises(ValidationError, match=r"compute\.services\.0\.user"):
        Environment.model_validate(env)


def test_a_container_without_a_user_runs_as_its_image_says(intakeiq) -> None:
    (container,) = json.loads(intakeiq.only("compute", "aws_ecs_task_definition")["container_definitions"])
    assert "user" not in container


def test_a_database_value_in_the_environment_must_be_host_or_port() -> None:
    env = load_environment("secure-portal").model_dump(mode="json")
    service = env["compute"]["services"][0]
    service["environment"]["DB_USER"] = "@database:username"
    with pytest.raises(ValidationError, match=r"'@database:username' is not a database value; allowed: @database:host"):
        Environment.model_validate(env)


def test_on_the_emulator_the_group_keeps_its_own_ignored_count_and_drops_the_role(synthesized_on_emulator) -> None:
    on_emulator = synthesized_on_emulator("secure-portal")
    group = on_emulator.only("compute", "aws_autoscaling_group")
    assert "service_linked_role_arn" not in group  # moto launches with its default role
    assert group["lifecycle"]["ignore_changes"] == ["desired_capacity", "service_linked_role_arn"]
    assert "aws_db_instance_automated_backups_replication" in {s.resource_type for s in on_emulator.skipped}


def test_only_on_the_emulator_the_database_goes_without_its_audit_plugin(
    secure_portal, synthesized_on_emulator
) -> None:
    """moto cannot create the MySQL 8.4 option group: the emulator's plans accept CKV2_HIPAA_27 (plan
    scans only); the real database has the plugin and accepts nothing."""

    def accepted(synthesized) -> list[tuple[str, str]]:
        database = synthesized.only("data", "aws_db_instance")
        return [(e["check_id"], e["scan"]) for e in database.get("//", {}).get("accepted_findings", [])]

    on_emulator = synthesized_on_emulator("secure-portal")
    assert "option_group_name" not in on_emulator.only("data", "aws_db_instance")
    assert ("CKV2_HIPAA_27", "plan") in accepted(on_emulator)
    assert "CKV2_HIPAA_27" not in {check for check, _ in accepted(secure_portal)}


def test_backups_are_copied_to_another_region_only() -> None:
    env = load_environment("secure-portal").model_dump(mode="json")
    env["data"]["database"]["backup_replication"]["region"] = "us-east-1"
    with pytest.raises(ValidationError, match=r"us-east-1 is the environment's own region; allowed: any other"):
        Environment.model_validate(env)


def test_a_mysql_database_listens_on_mysqls_port_unless_told_otherwise() -> None:
    database = load_environment("secure-portal").data.database.model_dump(mode="json", exclude={"port"})
    assert Database.model_validate(database).port == 3306
    assert Database.model_validate(database | {"engine": "postgres"}).port == 5432


def mysql_audit_problems(database: dict, option_groups: dict, log_groups: dict) -> list[str]:
    """What keeps a MySQL database from writing and keeping an audit log."""
    problems = []
    name = database.get("option_group_name", "")
    group = option_groups.get(name.removeprefix("${aws_db_option_group.").removesuffix(".name}"), {})
    plugin = {o["option_name"]: o for o in group.get("option", [])}.get("MARIADB_AUDIT_PLUGIN")
    if plugin is None:
        problems.append("no option group with the MariaDB audit plugin")
    else:
        settings = {s["name"]: s["value"] for s in plugin.get("option_settings", [])}
        if not {"CONNECT", "QUERY_DDL", "QUERY_DCL"} <= set(settings.get("SERVER_AUDIT_EVENTS", "").split(",")):
            problems.append("the plugin does not record connections, DDL and DCL")
    if "audit" not in database.get("enabled_cloudwatch_logs_exports", []):
        problems.append("the audit log is not exported")
    path = f"/aws/rds/instance/{database['identifier']}/audit"
    if not any(g["name"] == path and g.get("kms_key_id") for g in log_groups.values()):
        problems.append(f"no encrypted log group {path}")
    return problems


def test_mysql_writes_an_audit_log_of_connections_and_schema_and_privilege_changes(secure_portal) -> None:
    database = secure_portal.only("data", "aws_db_instance")
    options = secure_portal.resources("data", "aws_db_option_group")
    log_groups = secure_portal.resources("data", "aws_cloudwatch_log_group")
    assert mysql_audit_problems(database, options, log_groups) == []
    (group,) = options.values()
    assert (group["engine_name"], group["major_engine_version"]) == ("mysql", "8.4")
    assert group["lifecycle"]["create_before_destroy"] is True
    (plugin,) = group["option"]
    # no data statements: their values would copy the registrations into the log
    assert {s["name"]: s["value"] for s in plugin["option_settings"]} == {
        "SERVER_AUDIT_EVENTS": "CONNECT,QUERY_DDL,QUERY_DCL",
        "SERVER_AUDIT_EXCL_USERS": "rdsadmin",
    }
    assert log_groups["database-log-audit"]["retention_in_days"] == 2557
    assert "aws_cloudwatch_log_group.database-log-audit" in database["depends_on"]

    without_plugin = {k: v for k, v in database.items() if k != "option_group_name"}
    not_exported = database | {"enabled_cloudwatch_logs_exports": ["error", "slowquery"]}
    missing_plugin = ["no option group with the MariaDB audit plugin"]
    assert mysql_audit_problems(without_plugin, options, log_groups) == missing_plugin
    assert mysql_audit_problems(not_exported, options, log_groups) == ["the audit log is not exported"]


def test_a_postgresql_database_has_no_mysql_audit_plugin(intakeiq) -> None:
    assert intakeiq.resources("data", "aws_db_option_group") == {}
    assert "option_group_name" not in intakeiq.only("data", "aws_db_instance")


def test_the_seeds_registry_scanning_backups_waf_website_bucket_and_log_retention(secure_portal) -> None:
    repository = secure_portal.only("compute", "aws_ecr_repository")
    assert (repository["name"], repository["image_scanning_configuration"]) == (
        "aws-sec-pillar-backend",
        {"scan_on_push": True},
    )
    database = secure_portal.only("data", "aws_db_instance")
    assert (database["backup_retention_period"], database["backup_window"]) == (35, "03:00-04:00")
    replication = secure_portal.only("data", "aws_db_instance_automated_backups_replication")
    assert replication["retention_period"] == 7
    (rule,) = secure_portal.only("data", "aws_backup_plan")["rule"]
    assert rule["lifecycle"] == {"delete_after": 35}
    acl = secure_portal.only("security", "aws_wafv2_web_acl")
    assert acl["scope"] == "REGIONAL"
    assert [r["name"] for r in acl["rule"]] == [
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "rate-limit-per-ip",
    ]
    buckets = secure_portal.resources("data", "aws_s3_bucket")
    assert buckets["website"]["bucket"].startswith("aws-sec-pillar-website-")
    assert "website-versioning" in secure_portal.resources("data", "aws_s3_bucket_versioning")
    retention = {
        group["name"]: group["retention_in_days"]
        for layer in ("security", "compute")
        for group in secure_portal.resources(layer, "aws_cloudwatch_log_group").values()
    }
    # the application, exec sessions, flow logs and WAF logs 7 years (docs/environments.md); the trail's copy in
    # CloudWatch a year, its S3 copy 7 years under Object Lock
    assert {name: days for name, days in retention.items() if days == 2557}.keys() >= {
        "/ecs/backend",
        "aws-waf-logs-aws-sec-pillar-waf",
    }
    assert all(days in (365, 2557) for days in retention.values()), retention


def test_sessions_on_the_instances_are_encrypted_recorded_and_kept_as_long_as_the_audit_logs(
    secure_portal, account_secure_portal
) -> None:
    """The seed's Session Manager logging: the account's session preferences (its baseline) encrypt every
    session with the evidence key and stream it to an encrypted log group kept 7 years, which the
    environment's instances may write."""
    baseline = account_secure_portal
    document = baseline.only("baseline", "aws_ssm_document")
    assert (document["name"], document["document_type"]) == ("SSM-SessionManagerRunShell", "Session")
    inputs = json.loads(document["content"])["inputs"]
    assert inputs["kmsKeyId"] == "${aws_kms_key.evidence-key.arn}"
    assert inputs["cloudWatchEncryptionEnabled"] is True and inputs["cloudWatchStreamingEnabled"] is True
    assert inputs["cloudWatchLogGroupName"] == "${aws_cloudwatch_log_group.session-preferences-logs.name}"
    group = baseline.resources("baseline", "aws_cloudwatch_log_group")["session-preferences-logs"]
    assert group["retention_in_days"] == 2557 and group["kms_key_id"] == "${aws_kms_key.evidence-key.arn}"
    assert not secure_portal.resources("security", "aws_ssm_document")  # the account's, not the stage's
    policy = json.loads(secure_portal.resources("security", "aws_iam_role_policy")[
        "operator-sessions-instance-records-sessions"]["policy"])  # fmt: skip
    assert policy["Statement"][0]["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    assert policy["Statement"][0]["Resource"].endswith(f":log-group:{group['name']}:*")
    (decrypt,) = [s for s in policy["Statement"] if s["Sid"] == "DecryptSessionData"]
    assert decrypt["Resource"] == "${data.aws_kms_key.account-evidence-key.arn}"
    assert secure_portal.stacks["security"]["data"]["aws_kms_key"]["account-evidence-key"]["key_id"] == (
        "alias/aws-sec-pillar-account-evidence"
    )


def test_operators_open_sessions_only_on_this_environments_instances(secure_portal) -> None:
    """The seed's operator policy: sessions on instances tagged with the environment, only one's own
    sessions resumed or ended."""
    policy = secure_portal.resources("security", "aws_iam_policy")["operator-sessions-operator-policy"]
    statements = {s["Sid"]: s for s in json.loads(policy["policy"])["Statement"]}
    start = statements["StartSessionsOnThisEnvironmentsInstances"]
    assert start["Action"] == ["ssm:StartSession"] and start["Resource"].endswith(":instance/*")
    assert start["Condition"] == {"StringEquals": {"ssm:resourceTag/PlatformEnvironment": "secure-portal"}}
    own = statements["OwnSessionsOnly"]
    assert own["Action"] == ["ssm:TerminateSession", "ssm:ResumeSession"]
    assert own["Resource"].endswith(":session/$${aws:username}-*")  # IAM's variable, not Terraform's
    assert not [s for s in statements.values() if s["Action"] == ["ssm:StartSession"] and s["Resource"] == "*"]


def test_the_service_scales_and_security_findings_reach_the_alarm_topic(secure_portal) -> None:
    target = secure_portal.only("compute", "aws_appautoscaling_target")
    assert (target["min_capacity"], target["max_capacity"]) == (2, 4)
    (policy,) = secure_portal.resources("compute", "aws_appautoscaling_policy").values()
    tracking = policy["target_tracking_scaling_policy_configuration"]
    assert tracking["predefined_metric_specification"]["predefined_metric_type"] == "ECSServiceAverageCPUUtilization"
    assert tracking["target_value"] == 70
    (rule,) = secure_portal.resources("observability", "aws_cloudwatch_event_rule").values()
    pattern = json.loads(rule["event_pattern"])
    assert pattern["source"] == ["aws.guardduty"] and pattern["detail"]["severity"] == [{"numeric": [">=", 7]}]
    (target,) = secure_portal.resources("observability", "aws_cloudwatch_event_target").values()
    assert target["arn"] == "${aws_sns_topic.alarms.arn}"


def test_the_seeds_network_service_and_container_hardening(secure_portal) -> None:
    """10.0.0.0/16 with two public and two private subnets in two AZs (and the isolated database tier), no
    NAT gateway, the S3 gateway and ECR interface endpoints; the service's count, deployment and grace;
    the target group's health check; a read-only root filesystem; key rotation; the trail and flow logs."""
    assert secure_portal.only("networking", "aws_vpc")["cidr_block"] == "10.0.0.0/16"
    tiers = {s["cidr_block"]: (s["tags"]["Tier"], s["availability_zone"])
             for s in secure_portal.resources("networking", "aws_subnet").values()}  # fmt: skip
    seeds = {"10.0.1.0/24": "public", "10.0.2.0/24": "public", "10.0.10.0/24": "private", "10.0.11.0/24": "private"}
    assert {cidr: tier for cidr, (tier, _) in tiers.items() if tier in ("public", "private")} == seeds
    assert len({zone for _, zone in tiers.values()}) == 2
    assert not secure_portal.resources("networking", "aws_nat_gateway")
    endpoints = {e["service_name"].rsplit(".", 1)[-1]: e["vpc_endpoint_type"]
                 for e in secure_portal.resources("networking", "aws_vpc_endpoint").values()}  # fmt: skip
    assert endpoints["s3"] == "Gateway" and endpoints["dkr"] == endpoints["api"] == "Interface"
    service = secure_portal.only("compute", "aws_ecs_service")
    assert (service["name"], service["desired_count"], service["health_check_grace_period_seconds"]) == (
        "backend-service", 2, 60)  # fmt: skip
    assert (service["deployment_minimum_healthy_percent"], service["deployment_maximum_percent"]) == (50, 200)
    check = secure_portal.only("compute", "aws_lb_target_group")["health_check"]
    assert (check["path"], check["interval"], check["timeout"]) == ("/health", 30, 5)
    assert (check["healthy_threshold"], check["unhealthy_threshold"]) == (2, 3)
    (container,) = json.loads(secure_portal.only("compute", "aws_ecs_task_definition")["container_definitions"])
    assert container["readonlyRootFilesystem"] is True and container["essential"] is True
    assert container["privileged"] is False
    assert all(k["enable_key_rotation"] is True for k in secure_portal.resources("security", "aws_kms_key").values())
    assert not secure_portal.resources("security", "aws_cloudtrail")  # the account's, in its baseline
    assert secure_portal.only("security", "aws_flow_log")["traffic_type"] == "ALL"
    assert secure_portal.only("compute", "aws_ecr_repository")["image_tag_mutability"] == "IMMUTABLE"
    alarms = secure_portal.resources("observability", "aws_cloudwatch_metric_alarm").values()
    watched = {(a["namespace"], a["metric_name"]) for a in alarms}
    assert {("AWS/ECS", "CPUUtilization"), ("AWS/ECS", "MemoryUtilization"),
            ("AWS/ApplicationELB", "UnHealthyHostCount"), ("AWS/RDS", "DatabaseConnections")} <= watched  # fmt: skip
