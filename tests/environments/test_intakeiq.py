"""The seed's stated values, found in the synthesized JSON of each IntakeIQ layer."""

from __future__ import annotations

import json

import yaml

from hipaa_platform import LAYERS
from hipaa_platform.config.loader import ENVIRONMENTS_DIR, load_environment_file


def policy(resource: dict, key: str = "policy") -> dict:
    return json.loads(resource[key])


def statements_by_sid(document: dict) -> dict[str, dict]:
    return {s["Sid"]: s for s in document["Statement"]}


def test_each_layer_is_one_stack_with_its_own_state_key(intakeiq) -> None:
    for layer in LAYERS:
        backend = intakeiq.stacks[layer]["terraform"]["backend"]["local"]
        assert backend["path"].endswith(f"intakeiq/{layer}/terraform.tfstate")


def test_layers_meet_only_through_described_remote_state_outputs(intakeiq) -> None:
    manifest = json.loads((intakeiq.outdir / "manifest.json").read_text())
    dependencies = {name: set(stack["dependencies"]) for name, stack in manifest["stacks"].items()}
    assert dependencies["networking"] == set()
    assert dependencies["security"] == {"networking"}
    assert dependencies["data"] == {"networking", "security"}
    assert dependencies["compute"] == {"networking", "security", "data"}
    assert dependencies["pipeline"] == {"compute"}
    assert dependencies["observability"] == {"security", "data", "compute"}
    for layer, stack in intakeiq.stacks.items():
        for name, output in stack.get("output", {}).items():
            assert not name.startswith("cross-stack-output"), f"{layer} has an automatic cross-stack output {name}"
            assert len(output.get("description", "")) > 10, f"{layer}.{name} has no description"
        assert "variable" not in stack
        remote = set(stack.get("data", {}).get("terraform_remote_state", {}))
        assert remote == dependencies[layer]


def test_no_lookups_by_tag_or_name_across_layers(intakeiq) -> None:
    for stack in intakeiq.stacks.values():
        data_types = set(stack.get("data", {}))
        assert not data_types & {"aws_vpc", "aws_subnets", "aws_subnet", "aws_security_group", "aws_kms_key"}


def test_network_matches_the_seed(intakeiq) -> None:
    assert intakeiq.only("networking", "aws_vpc")["cidr_block"] == "10.0.0.0/16"
    subnets = {s["cidr_block"]: s for s in intakeiq.resources("networking", "aws_subnet").values()}
    assert {c: s["availability_zone"] for c, s in subnets.items()} == {
        "10.0.1.0/24": "us-east-1a",
        "10.0.2.0/24": "us-east-1b",
        "10.0.10.0/24": "us-east-1a",
        "10.0.11.0/24": "us-east-1b",
    }
    assert all(s["map_public_ip_on_launch"] is False for s in subnets.values())
    assert intakeiq.resources("networking", "aws_nat_gateway") == {}
    routes = intakeiq.resources("networking", "aws_route").values()
    assert [r["destination_cidr_block"] for r in routes] == ["0.0.0.0/0"]  # only the public route table
    assert "ingress" not in intakeiq.only("networking", "aws_default_security_group")


def test_flow_logs_are_on_and_encrypted(intakeiq) -> None:
    flow_log = intakeiq.only("security", "aws_flow_log")
    assert flow_log["traffic_type"] == "ALL"
    group = intakeiq.resources("security", "aws_cloudwatch_log_group")
    flow_group = next(g for g in group.values() if g["name"] == "/vpc-flow-logs/intakeiq")
    assert flow_group["retention_in_days"] == 2557 and "kms_key_id" in flow_group


def test_security_group_chain(intakeiq) -> None:
    groups = {g["name"]: name for name, g in intakeiq.resources("security", "aws_security_group").items()}
    assert set(groups) == {"intakeiq-alb-sg", "intakeiq-ecs-sg", "intakeiq-rds-sg"}
    ref = {name: f"${{aws_security_group.{logical}.id}}" for name, logical in groups.items()}
    ingress = list(intakeiq.resources("security", "aws_vpc_security_group_ingress_rule").values())
    from_internet = sorted(r["from_port"] for r in ingress if r.get("cidr_ipv4") == "0.0.0.0/0")
    assert from_internet == [80, 443]
    assert all(r["security_group_id"] == ref["intakeiq-alb-sg"] for r in ingress if r.get("cidr_ipv4"))
    to_tasks = [r for r in ingress if r["security_group_id"] == ref["intakeiq-ecs-sg"]]
    assert [(r["from_port"], r["referenced_security_group_id"]) for r in to_tasks] == [(3000, ref["intakeiq-alb-sg"])]
    to_database = [r for r in ingress if r["security_group_id"] == ref["intakeiq-rds-sg"]]
    assert [(r["from_port"], r["referenced_security_group_id"]) for r in to_database] == [
        (5432, ref["intakeiq-ecs-sg"])
    ]
    egress = intakeiq.resources("security", "aws_vpc_security_group_egress_rule").values()
    assert not [r for r in egress if r["security_group_id"] == ref["intakeiq-rds-sg"]]


def test_one_customer_managed_key_with_rotation_and_the_seed_policy(intakeiq) -> None:
    key = intakeiq.only("security", "aws_kms_key")
    assert key["enable_key_rotation"] is True and "rotation_period_in_days" not in key  # AWS default: 365
    assert intakeiq.only("security", "aws_kms_alias")["name"] == "alias/intakeiq-phi-key"
    sids = statements_by_sid(policy(key))
    assert sids["AccountAdministers"]["Action"] == ["kms:*"]
    assert sids["TaskRolesUseForPhiFields"]["Action"] == ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
    assert "aws_iam_role.service-intakeiq-task-role.arn" in json.dumps(sids["TaskRolesUseForPhiFields"]["Principal"])
    assert not any(s["Principal"] == "*" or s["Principal"] == {"AWS": "*"} for s in sids.values())


def test_parameters_are_encrypted_and_carry_no_secret(intakeiq) -> None:
    parameters = intakeiq.resources("security", "aws_ssm_parameter").values()
    assert sorted(p["name"] for p in parameters) == [
        "/intakeiq/DATABASE_URL",
        "/intakeiq/NEXTAUTH_SECRET",
        "/intakeiq/PHI_ENCRYPTION_KEY",
    ]
    for parameter in parameters:
        assert parameter["type"] == "SecureString" and "kms_key_arn" not in parameter
        assert parameter["key_id"].startswith("${aws_kms_key.")
        assert parameter["value"].startswith("unset:")
        assert parameter["lifecycle"]["ignore_changes"] == ["value"]
    assert "postgresql://" not in intakeiq.text()
    assert '"password"' not in intakeiq.text()


def test_database_matches_the_seed(intakeiq) -> None:
    db = intakeiq.only("data", "aws_db_instance")
    expected = {
        "identifier": "intakeiq-db",
        "engine": "postgres",
        "engine_version": "16.4",
        "instance_class": "db.t4g.micro",
        "allocated_storage": 20,
        "max_allocated_storage": 100,
        "storage_type": "gp3",
        "multi_az": False,
        "backup_retention_period": 35,
        "backup_window": "03:00-04:00",
        "maintenance_window": "sun:04:00-sun:05:00",
        "deletion_protection": True,
        "skip_final_snapshot": False,
        "performance_insights_enabled": True,
        "performance_insights_retention_period": 7,
        "monitoring_interval": 60,
        "storage_encrypted": True,
        "publicly_accessible": False,
        "manage_master_user_password": True,
        "iam_database_authentication_enabled": True,
        "username": "intakeiq",
        "db_name": "intakeiq",
        "port": 5432,
    }
    assert {k: db[k] for k in expected} == expected
    assert db["final_snapshot_identifier"].startswith("intakeiq-db-final-")
    assert "password" not in db
    parameters = {p["name"]: p["value"] for p in intakeiq.only("data", "aws_db_parameter_group")["parameter"]}
    assert parameters["rds.force_ssl"] == "1"


def test_the_database_moves_to_isolated_subnets_when_the_network_has_them(
    intakeiq, synthesize_variant, tmp_path
) -> None:
    private = intakeiq.only("data", "aws_db_subnet_group")
    assert private["description"] == "Private subnets of intakeiq-db"
    assert "private_subnet_ids" in json.dumps(private["subnet_ids"])
    document = yaml.safe_load((ENVIRONMENTS_DIR / "intakeiq.yaml").read_text())
    document["networking"]["isolated_subnets"] = [
        {"cidr": "10.0.20.0/24", "az": "us-east-1a"},
        {"cidr": "10.0.21.0/24", "az": "us-east-1b"},
    ]
    (tmp_path / "intakeiq.yaml").write_text(yaml.safe_dump(document))
    isolated = synthesize_variant(load_environment_file(tmp_path / "intakeiq.yaml"))
    group = isolated.only("data", "aws_db_subnet_group")
    assert group["description"] == "Isolated subnets of intakeiq-db"
    assert "isolated_subnet_ids" in json.dumps(group["subnet_ids"])


def test_insurance_card_bucket_matches_the_seed(intakeiq) -> None:
    buckets = {b["bucket"]: n for n, b in intakeiq.resources("data", "aws_s3_bucket").items()}
    name = "intakeiq-insurance-cards-${data.aws_caller_identity.account.account_id}"
    assert name in buckets
    ref = f"${{aws_s3_bucket.{buckets[name]}.id}}"

    def for_bucket(resource_type: str) -> dict:
        return next(r for r in intakeiq.resources("data", resource_type).values() if r["bucket"] == ref)

    sse = for_bucket("aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert sse["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
    assert sse["bucket_key_enabled"] is True
    assert for_bucket("aws_s3_bucket_versioning")["versioning_configuration"]["status"] == "Enabled"
    block = for_bucket("aws_s3_bucket_public_access_block")
    assert all(block[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                                            "restrict_public_buckets"))  # fmt: skip
    deny = statements_by_sid(policy(for_bucket("aws_s3_bucket_policy")))["DenyInsecureTransport"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert all(b["force_destroy"] is False for b in intakeiq.resources("data", "aws_s3_bucket").values())
    rules = {r["id"]: r for r in for_bucket("aws_s3_bucket_lifecycle_configuration")["rule"]}
    assert rules["tiering"]["transition"] == [{"days": 90, "storage_class": "STANDARD_IA"}]
    assert rules["cleanup"]["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 7}]


def test_task_and_service_match_the_seed(intakeiq) -> None:
    task = intakeiq.only("compute", "aws_ecs_task_definition")
    assert (task["cpu"], task["memory"], task["network_mode"]) == ("256", "512", "awsvpc")
    (container,) = json.loads(task["container_definitions"])
    assert container["portMappings"] == [{"containerPort": 3000, "protocol": "tcp"}]
    assert container["healthCheck"] == {
        "command": ["CMD-SHELL", "wget --no-verbose --tries=1 --spider http://localhost:3000/ || exit 1"],
        "interval": 30,
        "timeout": 5,
        "retries": 3,
        "startPeriod": 60,
    }
    assert container["readonlyRootFilesystem"] is True and container["privileged"] is False
    assert sorted(s["name"] for s in container["secrets"]) == ["DATABASE_URL", "NEXTAUTH_SECRET", "PHI_ENCRYPTION_KEY"]
    assert container["logConfiguration"]["options"]["awslogs-group"] == "/ecs/intakeiq"
    service = intakeiq.only("compute", "aws_ecs_service")
    assert (service["name"], service["desired_count"]) == ("intakeiq-service", 1)
    assert (service["deployment_minimum_healthy_percent"], service["deployment_maximum_percent"]) == (100, 200)
    assert service["network_configuration"]["assign_public_ip"] is True
    assert intakeiq.only("compute", "aws_ecs_cluster")["name"] == "intakeiq-cluster"
    group = next(g for g in intakeiq.resources("compute", "aws_cloudwatch_log_group").values())
    assert (group["name"], group["retention_in_days"]) == ("/ecs/intakeiq", 2557) and group["kms_key_id"]


def test_load_balancer_matches_the_seed(intakeiq) -> None:
    lb = intakeiq.only("compute", "aws_lb")
    assert lb["drop_invalid_header_fields"] is True and lb["internal"] is False
    assert lb["enable_deletion_protection"] is True and lb["access_logs"]["enabled"] is True
    listeners = {listener["port"]: listener for listener in intakeiq.resources("compute", "aws_lb_listener").values()}
    assert listeners[443]["ssl_policy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert listeners[443]["protocol"] == "HTTPS" and "certificate_arn" in listeners[443]
    redirect = listeners[80]["default_action"][0]["redirect"]
    assert (redirect["protocol"], redirect["port"], redirect["status_code"]) == ("HTTPS", "443", "HTTP_301")
    assert intakeiq.only("security", "aws_acm_certificate")["domain_name"] == "app.intakeiq.com"
    health = intakeiq.only("compute", "aws_lb_target_group")["health_check"]
    assert (health["path"], health["interval"], health["timeout"]) == ("/", 30, 5)
    assert (health["healthy_threshold"], health["unhealthy_threshold"]) == (2, 3)


def test_roles_have_exactly_the_seed_permissions(intakeiq) -> None:
    def actions(layer: str, resource_type: str = "aws_iam_role_policy") -> dict[str, set[str]]:
        found = {}
        for r in intakeiq.resources(layer, resource_type).values():
            for s in policy(r)["Statement"]:
                found.setdefault(r["name"], set()).update(s["Action"])
        return found

    security, data, compute = actions("security"), actions("data"), actions("compute")
    assert security["read-secure-parameters"] == {"ssm:GetParameters", "kms:Decrypt"}
    assert security["phi-field-encryption-and-metrics"] == {
        "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "cloudwatch:PutMetricData"
    }  # fmt: skip
    # the bucket's key through S3: an SSE-KMS object read or write needs it (tests/access/)
    assert data["application-buckets"] == {
        "s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:ListBucket", "kms:Decrypt", "kms:GenerateDataKey"
    }  # fmt: skip
    assert compute["pull-image-and-write-logs"] == {
        "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents",
    }  # fmt: skip
    attachments = intakeiq.resources("security", "aws_iam_role_policy_attachment").values()
    # the RDS monitoring role's only (AWS Config's recorder is the account baseline's)
    assert sorted(a["policy_arn"].rsplit("/", 1)[1] for a in attachments) == ["AmazonRDSEnhancedMonitoringRole"]


def test_pipeline_role_may_push_and_roll_one_service_only(intakeiq) -> None:
    repository = intakeiq.only("compute", "aws_ecr_repository")
    assert repository["image_scanning_configuration"]["scan_on_push"] is True
    assert intakeiq.only("compute", "aws_ecr_lifecycle_policy")
    role = intakeiq.only("pipeline", "aws_iam_role")
    trust = policy(role, "assume_role_policy")["Statement"][0]
    assert trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"] == (
        "repo:intakeiq/intakeiq:environment:intakeiq"
    )
    statements = statements_by_sid(policy(intakeiq.only("pipeline", "aws_iam_role_policy")))
    assert statements["RegistryLogin"]["Resource"] == "*"
    assert "repository_arns" in statements["PushServiceImages"]["Resource"]
    assert set(statements["RollServices"]["Action"]) == {"ecs:UpdateService", "ecs:DescribeServices"}
    assert "service_arns" in statements["RollServices"]["Resource"]


def test_the_deploy_role_trusts_the_github_provider_of_its_account(intakeiq, account_intakeiq) -> None:
    provider = account_intakeiq.only("baseline", "aws_iam_openid_connect_provider")
    assert provider["url"] == "https://token.actions.githubusercontent.com"
    assert provider["client_id_list"] == ["sts.amazonaws.com"]
    assert not intakeiq.resources("pipeline", "aws_iam_openid_connect_provider")
    lookup = intakeiq.stacks["pipeline"]["data"]["aws_iam_openid_connect_provider"]["github-oidc"]
    assert lookup["url"] == provider["url"]
    trust = policy(intakeiq.only("pipeline", "aws_iam_role"), "assume_role_policy")["Statement"][0]
    assert trust["Principal"]["Federated"] == "${data.aws_iam_openid_connect_provider.github-oidc.arn}"


def test_observability_alarms_dashboard_and_budget(intakeiq) -> None:
    topic = intakeiq.only("observability", "aws_sns_topic")
    assert "kms_key_arn" in topic["kms_master_key_id"]
    metrics = {a["metric_name"] for a in intakeiq.resources("observability", "aws_cloudwatch_metric_alarm").values()}
    assert metrics == {
        "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "UnHealthyHostCount",
        "CPUUtilization", "MemoryUtilization", "FreeStorageSpace",
    }  # fmt: skip
    assert intakeiq.only("observability", "aws_cloudwatch_dashboard")
    budget = intakeiq.only("observability", "aws_budgets_budget")
    assert (budget["limit_amount"], budget["limit_unit"], budget["time_unit"]) == ("75.00", "USD", "MONTHLY")
    assert sorted(n["threshold"] for n in budget["notification"]) == [80, 100]


def test_tags_follow_the_mandatory_set(intakeiq) -> None:
    for layer in LAYERS:
        tags = intakeiq.stacks[layer]["provider"]["aws"][0]["default_tags"][0]["tags"]
        assert tags["Component"] == layer and tags["Application"] == "intakeiq" and tags["Compliance"] == "hipaa"
        assert {"Environment", "CostCenter", "Owner", "ManagedBy"} <= set(tags)


def test_local_synthesis_skips_nothing(intakeiq) -> None:
    assert intakeiq.skipped == []


def test_production_data_stores_refuse_destroy(intakeiq) -> None:
    from hipaa_platform.gate.stateful import STATEFUL_TYPES

    protected = 0
    for layer, stack in intakeiq.stacks.items():
        for resource_type, resources in stack.get("resource", {}).items():
            for name, body in resources.items():
                prevents = body.get("lifecycle", {}).get("prevent_destroy", False)
                assert prevents is (resource_type in STATEFUL_TYPES), f"{layer}: {resource_type}.{name}"
                protected += prevents
    assert protected >= 8  # key, two buckets, database, and their log groups
