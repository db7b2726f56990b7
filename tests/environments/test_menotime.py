"""MenoTime (seed 003): three stages from one base, side by side in one account. The seed's
stated values are found in the synthesized JSON of each stage; docs/environments.md lists the
deviations and what is not built yet."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from hipaa_platform.config.loader import ENVIRONMENTS_DIR, environment_files, load_environment, load_environment_file
from hipaa_platform.errors import ConfigError

STAGES = {"dev": "menotime_dev", "staging": "menotime_staging", "prod": "menotime_prod"}

# Top-level arguments that name what a resource creates in the account.
NAME_ARGUMENTS = ("name", "bucket", "identifier", "alarm_name", "dashboard_name", "name_prefix", "function_name")
# Arguments that name a resource of these types only (elsewhere `family` is an engine, `domain` "vpc").
NAMED_BY = {"aws_ecs_task_definition": "family", "aws_ses_domain_identity": "domain"}
# Named within another resource, not within the account.
SCOPED_NAMES = {"aws_iam_role_policy": "an inline policy is named within its role"}
# One per account and region: only the account's baseline creates them, never a stage.
ACCOUNT_WIDE = (
    "aws_guardduty_detector",
    "aws_securityhub_account",
    "aws_iam_openid_connect_provider",
    "aws_config_configuration_recorder",
    "aws_config_delivery_channel",
    "aws_ssm_document",
)
_REFERENCE = re.compile(r"^\$\{[^{}]*\}$")


def created_names(stacks: dict[str, dict]) -> set[tuple[str, str]]:
    """(resource type, name) of everything a synthesized environment names in its account; a bare
    reference to another resource's name is not a name of its own."""
    names = set()
    for stack in stacks.values():
        for resource_type, resources in stack.get("resource", {}).items():
            if resource_type in SCOPED_NAMES:
                continue
            arguments = (*NAME_ARGUMENTS, *((NAMED_BY[resource_type],) if resource_type in NAMED_BY else ()))
            for body in resources.values():
                for argument in arguments:
                    value = body.get(argument)
                    if isinstance(value, str) and not _REFERENCE.match(value):
                        names.add((resource_type, value))
    return names


def collisions(environments: dict[str, dict[str, dict]]) -> dict[tuple[str, str], list[str]]:
    """Names two environments would both create in one account and region, with who creates them."""
    creators: dict[tuple[str, str], list[str]] = defaultdict(list)
    for environment, stacks in environments.items():
        for name in created_names(stacks):
            creators[name].append(environment)
        for stack in stacks.values():
            for resource_type in ACCOUNT_WIDE:
                if stack.get("resource", {}).get(resource_type):
                    creators[(resource_type, "(account-wide)")].append(environment)
    return {name: sorted(who) for name, who in creators.items() if len(who) > 1}


@pytest.fixture(scope="module")
def stages(request) -> dict:
    return {stage: request.getfixturevalue(fixture) for stage, fixture in STAGES.items()}


def test_the_three_stages_share_one_account_without_a_colliding_name(stages) -> None:
    assert collisions({stage: synthesized.stacks for stage, synthesized in stages.items()}) == {}


def test_the_collision_check_finds_a_shared_name_and_a_second_account_baseline() -> None:
    def stack(**resources: dict) -> dict[str, dict]:
        return {"security": {"resource": resources}}

    dev = stack(aws_kms_alias={"a": {"name": "alias/menotime-master"}}, aws_guardduty_detector={"d": {}})
    prod = stack(aws_kms_alias={"a": {"name": "alias/menotime-master"}}, aws_guardduty_detector={"d": {}})
    scoped = stack(aws_iam_role_policy={"p": {"name": "read-secrets", "role": "${aws_iam_role.r.id}"}})
    assert collisions({"dev": dev, "prod": prod, "x": scoped, "y": scoped}) == {
        ("aws_kms_alias", "alias/menotime-master"): ["dev", "prod"],
        ("aws_guardduty_detector", "(account-wide)"): ["dev", "prod"],
    }


def test_each_stage_is_the_base_and_a_small_file() -> None:
    for stage in STAGES:
        files = environment_files(f"menotime-{stage}")
        assert files == [ENVIRONMENTS_DIR / "base" / "menotime.yaml", ENVIRONMENTS_DIR / f"menotime-{stage}.yaml"]
        assert len(files[1].read_text().splitlines()) < 50
    prod = load_environment("menotime-prod")
    assert prod.compute.cluster_name == "menotime-prod-cluster"  # the base's {stage} placeholder
    assert [s.name for s in prod.compute.services] == ["menotime-prod-backend"]  # the override met its item
    assert prod.compute.services[0].container_name == "backend"  # ...and kept the base's values


def test_the_stages_use_the_accounts_baseline_and_dev_alerts_its_findings(stages, account_menotime) -> None:
    assert account_menotime.only("baseline", "aws_guardduty_detector")["enable"] is True
    assert account_menotime.only("baseline", "aws_cloudtrail")["is_multi_region_trail"] is True  # the account's trail
    assert account_menotime.only("baseline", "aws_iam_openid_connect_provider")
    dev = stages["dev"]
    rule = dev.only("observability", "aws_cloudwatch_event_rule")
    assert json.loads(rule["event_pattern"]) == {
        "source": ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        "detail": {"severity": [{"numeric": [">=", 7]}]},
    }
    target = dev.only("observability", "aws_cloudwatch_event_target")
    assert target["arn"] == "${aws_sns_topic.alarms.arn}"
    topic_policy = json.loads(dev.only("observability", "aws_sns_topic_policy")["policy"])
    publishers = {s["Sid"]: s for s in topic_policy["Statement"]}
    source = publishers["GuardDutyFindingsRulePublishes"]["Condition"]["ArnEquals"]["aws:SourceArn"]
    assert source.startswith("${aws_cloudwatch_event_rule.") and source.endswith(".arn}")  # this rule only
    assert "CloudWatchAlarmsPublish" in publishers  # the topic policy keeps the alarms' way in
    for synthesized in stages.values():
        assert synthesized.stacks["pipeline"]["data"]["aws_iam_openid_connect_provider"]
    for stage in ("staging", "prod"):
        assert not stages[stage].resources("observability", "aws_cloudwatch_event_rule")


def test_the_seed_database_in_every_stage_with_rotation_in_prod(stages) -> None:
    for stage, synthesized in stages.items():
        database = synthesized.only("data", "aws_db_instance")
        expected = {
            "identifier": f"menotime-{stage}-postgres",
            "engine": "postgres",
            "instance_class": "db.m7g.large",
            "allocated_storage": 1000,
            "storage_type": "gp3",
            "multi_az": False,
            "backup_retention_period": 7,
            "backup_window": "03:00-04:00",
            "maintenance_window": "sun:04:00-sun:05:00",
            "iam_database_authentication_enabled": True,
            "manage_master_user_password": True,
            "storage_encrypted": True,
            "publicly_accessible": False,
            "username": "menotime_user",
        }
        assert {key: database[key] for key in expected} == expected
        assert database["engine_version"].startswith("15.")
        assert synthesized.only("data", "aws_db_parameter_group")["family"] == "postgres15"
        rotations = synthesized.resources("data", "aws_secretsmanager_secret_rotation")
        if stage == "prod":
            (rotation,) = rotations.values()
            assert rotation["rotation_rules"]["automatically_after_days"] == 30
        else:
            assert not rotations


def test_deployment_strategy_and_autoscaling_per_stage(stages) -> None:
    for stage, synthesized in stages.items():
        service = synthesized.only("compute", "aws_ecs_service")
        strategy = (service["deployment_minimum_healthy_percent"], service["deployment_maximum_percent"])
        # dev and staging: all at once; prod: rolling with one of two tasks serving throughout
        assert strategy == ((50, 200) if stage == "prod" else (0, 100))
        assert service["desired_count"] == (2 if stage == "prod" else 1)
        targets = synthesized.resources("compute", "aws_appautoscaling_target")
        if stage == "prod":
            (target,) = targets.values()
            assert (target["min_capacity"], target["max_capacity"]) == (2, 4)
        else:
            assert not targets


def test_task_storage_is_encrypted_with_the_separate_key(stages) -> None:
    for stage, synthesized in stages.items():
        cluster = synthesized.only("compute", "aws_ecs_cluster")
        assert cluster["name"] == f"menotime-{stage}-cluster"
        storage = cluster["configuration"]["managed_storage_configuration"]
        assert storage["fargate_ephemeral_storage_kms_key_id"].endswith("outputs.kms_key_arns.ebs}")
        keys = synthesized.resources("security", "aws_kms_key")
        ebs = next(k for k in keys.values() if "ebs key" in k["description"])
        grants = {s["Sid"]: s for s in json.loads(ebs["policy"])["Statement"]}
        assert grants["FargateEncryptsEphemeralStorage"]["Principal"] == {"Service": "fargate.amazonaws.com"}
        assert grants["FargateGrantsItselfDecrypt"]["Condition"]["ForAllValues:StringEquals"] == {
            "kms:GrantOperations": "Decrypt"
        }
        aliases = {a["name"] for a in synthesized.resources("security", "aws_kms_alias").values()}
        assert {f"alias/menotime-{stage}-master", f"alias/menotime-{stage}-ebs"} <= aliases


def test_waf_logs_first_in_dev_and_staging_and_blocks_in_prod(stages) -> None:
    for stage, synthesized in stages.items():
        rules = {r["name"]: r for r in synthesized.only("security", "aws_wafv2_web_acl")["rule"]}
        assert set(rules) == {
            "AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
            "rate-limit-per-ip",
        }  # fmt: skip
        assert rules["rate-limit-per-ip"]["statement"]["rate_based_statement"]["limit"] == 2000
        counted = stage != "prod"
        for group in ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesSQLiRuleSet"):
            assert rules[group]["override_action"] == ({"count": {}} if counted else {"none": {}})
        assert rules["rate-limit-per-ip"]["action"] == ({"count": {}} if counted else {"block": {}})
        assert rules["AWSManagedRulesKnownBadInputsRuleSet"]["override_action"] == {"none": {}}


def test_the_seed_names_buckets_and_tags(stages) -> None:
    for stage, synthesized in stages.items():
        task = synthesized.only("compute", "aws_ecs_task_definition")
        assert task["family"] == f"menotime-{stage}-backend"
        (container,) = json.loads(task["container_definitions"])
        assert container["portMappings"][0]["containerPort"] == 8000
        assert (task["cpu"], task["memory"]) == ("1024", "2048")
        log_groups = {g["name"] for g in synthesized.resources("compute", "aws_cloudwatch_log_group").values()}
        assert f"/aws/ecs/menotime-{stage}" in log_groups
        group = synthesized.only("compute", "aws_lb_target_group")
        assert group["port"] == 8000 and group["health_check"]["path"] == "/health"
        check = group["health_check"]
        assert (check["interval"], check["timeout"], check["healthy_threshold"], check["unhealthy_threshold"]) == (
            30, 5, 2, 3,
        )  # fmt: skip
        repository = synthesized.only("compute", "aws_ecr_repository")
        assert repository["image_scanning_configuration"]["scan_on_push"] is True
        rules = json.loads(synthesized.only("compute", "aws_ecr_lifecycle_policy")["policy"])["rules"]
        selections = [r["selection"] for r in rules]
        assert {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 30} in [
            {k: s[k] for k in ("tagStatus", "countType", "countUnit", "countNumber") if k in s} for s in selections
        ]
        assert any(s.get("countType") == "imageCountMoreThan" and s["countNumber"] == 10 for s in selections)
        lifecycles = synthesized.resources("data", "aws_s3_bucket_lifecycle_configuration")
        tiering = {
            name: next(r for r in lifecycles[f"{name}-lifecycle"]["rule"] if r["id"] == "tiering")
            for name in ("logs", "backups")
        }
        assert tiering["logs"]["transition"] == [{"days": 90, "storage_class": "GLACIER"}]
        assert tiering["logs"]["expiration"] == [{"days": 730}]
        assert tiering["backups"]["transition"] == [{"days": 30, "storage_class": "GLACIER"}]
        cors = synthesized.only("data", "aws_s3_bucket_cors_configuration")
        site = "https://menotime.ai" if stage == "prod" else f"https://{stage}.menotime.ai"
        assert cors["cors_rule"][0]["allowed_origins"] == [site]
        tags = synthesized.stacks["data"]["provider"]["aws"][0]["default_tags"][0]["tags"]
        assert {k: tags[k] for k in ("Environment", "Application", "Component", "CostCenter", "Owner")} == {
            "Environment": stage, "Application": "menotime", "Component": "data", "CostCenter": "engineering",
            "Owner": "platform@timelessbiotech.com",
        }  # fmt: skip
        assert tags["Compliance"] == "hipaa+pii-storage"
        database_tags = synthesized.only("data", "aws_db_instance")["tags"]
        assert database_tags == {"Backup": "daily", "Encryption": "kms", "CostCenter": "operations"}  # the seed's
        assert synthesized.stacks["data"]["provider"]["aws"][0]["region"] == "us-west-1"


def stage_file(tmp_path: Path, **settings: object) -> Path:
    """menotime-dev's own file with `settings` merged in, beside a copy of the real base."""
    (tmp_path / "base").mkdir(exist_ok=True)
    (tmp_path / "base" / "menotime.yaml").write_text((ENVIRONMENTS_DIR / "base" / "menotime.yaml").read_text())
    document = yaml.safe_load((ENVIRONMENTS_DIR / "menotime-dev.yaml").read_text())
    for key, value in settings.items():
        document[key] = {**document.get(key, {}), **value} if isinstance(value, dict) else value
    path = tmp_path / "menotime-dev.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def test_a_task_storage_key_must_admit_fargate(tmp_path: Path) -> None:
    keys = [{"purpose": "ebs", "alias": "alias/menotime-dev-ebs"},
            {"purpose": "assets", "alias": "alias/menotime-dev-assets", "allow_services": ["cloudfront"]}]  # fmt: skip
    with pytest.raises(ConfigError, match=r"ephemeral_storage_key: key 'ebs' must admit Fargate"):
        load_environment_file(stage_file(tmp_path, security={"keys": keys}))


def test_count_mode_names_a_rule_of_the_acl_and_needs_its_reason(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"count_only: 'AWSManagedRulesLinuxRuleSet' is not a rule .*rate-limit-per-ip"
    ):
        load_environment_file(stage_file(tmp_path, security={"waf": {"count_only": ["AWSManagedRulesLinuxRuleSet"]}}))
    with pytest.raises(ConfigError, match=r"decisions.waf_count_only is required"):
        load_environment_file(stage_file(tmp_path, decisions={"waf_count_only": None}))


def test_mail_from_the_seed_domain_over_smtp(stages, account_menotime) -> None:
    # One identity per domain, account and region: the account's baseline holds it, with its DKIM,
    # MAIL FROM and the DNS records to publish; dev routes its bounces and complaints to its topic.
    baseline = account_menotime
    assert baseline.only("baseline", "aws_ses_domain_identity")["domain"] == "timelessbiotech.com"
    assert baseline.only("baseline", "aws_ses_domain_dkim")["domain"] == (
        "${aws_ses_domain_identity.email-timelessbiotech-com-identity.domain}"
    )
    assert baseline.only("baseline", "aws_ses_domain_mail_from")["mail_from_domain"] == "mail.timelessbiotech.com"
    dev = stages["dev"]
    notifications = dev.resources("data", "aws_ses_identity_notification_topic").values()
    assert {n["notification_type"] for n in notifications} == {"Bounce", "Complaint"}
    assert {n["topic_arn"] for n in notifications} == {"${aws_sns_topic.topic-email-events.arn}"}
    assert {n["identity"] for n in notifications} == {"timelessbiotech.com"}
    records = baseline.stacks["baseline"]["output"]["email_dns_records_timelessbiotech_com"]["value"]
    assert sum(r["type"] == "CNAME" and "._domainkey.timelessbiotech.com" in r["name"] for r in records) == 3
    assert {"name": "mail.timelessbiotech.com", "type": "TXT", "value": "v=spf1 include:amazonses.com ~all"} in records
    topic_key = json.loads(next(k for k in dev.resources("security", "aws_kms_key").values()
                                if "default key" in k["description"])["policy"])  # fmt: skip
    assert "SesPublishesToEncryptedTopics" in {s["Sid"] for s in topic_key["Statement"]}
    for stage in ("staging", "prod"):
        assert not stages[stage].resources("data", "aws_ses_identity_notification_topic")
    for synthesized in stages.values():
        # SMTP submission on 587 from the backend only; no other service port is opened to the internet
        egress = synthesized.resources("security", "aws_vpc_security_group_egress_rule").values()
        backend = [r for r in egress if r["security_group_id"].endswith("service-backend.id}")]
        assert {(r["from_port"], r.get("cidr_ipv4")) for r in backend} >= {(587, "0.0.0.0/0"), (443, "0.0.0.0/0")}
        assert not any(r["from_port"] == 587 and r not in backend for r in egress)


def test_a_stage_sends_only_from_a_mail_domain_of_its_account(tmp_path: Path) -> None:
    email = {"domain": "menotime.ai", "sender": "noreply@menotime.ai", "events_topic": "email-events"}
    with pytest.raises(
        ConfigError, match=r"data.email.domain: 'menotime.ai' is not a mail domain of account 'menotime'"
    ):
        load_environment_file(stage_file(tmp_path, data={"email": email}))


def test_cloudfront_serves_assets_from_the_bucket_and_the_api_from_the_load_balancer(stages) -> None:
    for stage, synthesized in stages.items():
        domain = "menotime.ai" if stage == "prod" else f"{stage}.menotime.ai"
        distribution = synthesized.only("data", "aws_cloudfront_distribution")
        assert distribution["aliases"] == [domain]
        origins = {o["origin_id"]: o for o in distribution["origin"]}
        assert set(origins) == {"bucket", "load-balancer"}
        assert origins["bucket"]["origin_access_control_id"]  # the bucket's only reader
        api = origins["load-balancer"]
        assert api["domain_name"] == f"origin.{domain}"
        assert api["custom_origin_config"]["origin_protocol_policy"] == "https-only"
        assert api["custom_origin_config"]["origin_ssl_protocols"] == ["TLSv1.2"]
        # the origin's name is on the load balancer's certificate, so CloudFront's TLS check passes
        assert (
            synthesized.resources("security", "aws_acm_certificate")["certificate"]["domain_name"] == api["domain_name"]
        )
        (behavior,) = distribution["ordered_cache_behavior"]
        assert behavior["path_pattern"] == "/api/*" and behavior["target_origin_id"] == "load-balancer"
        assert (behavior["default_ttl"], behavior["max_ttl"]) == (60, 60)  # the seed's 60 s for API responses
        assert "Authorization" in behavior["forwarded_values"]["headers"]  # cached per caller, never shared
        assert behavior["viewer_protocol_policy"] == "https-only" and behavior["compress"] is True
        default = distribution["default_cache_behavior"]
        assert default["target_origin_id"] == "bucket" and default["compress"] is True
        assert default["cache_policy_id"] == "658327ea-f89d-4fab-a63d-7e88639e58f6"  # CachingOptimized: a day
        assert distribution["viewer_certificate"]["minimum_protocol_version"] == "TLSv1.2_2021"
        assert distribution["viewer_certificate"]["acm_certificate_arn"].endswith("outputs.edge_certificate_arn}")


def test_cloudfronts_certificate_comes_from_us_east_1(stages) -> None:
    for stage, synthesized in stages.items():
        providers = {p.get("alias", "default"): p["region"] for p in synthesized.stacks["security"]["provider"]["aws"]}
        assert providers == {"default": "us-west-1", "us_east_1": "us-east-1"}
        edge = synthesized.resources("security", "aws_acm_certificate")["edge-certificate"]
        assert edge["provider"] == "aws.us_east_1"
        assert edge["domain_name"] == ("menotime.ai" if stage == "prod" else f"{stage}.menotime.ai")
        assert "edge_certificate_validation_records" in synthesized.stacks["security"]["output"]


def test_in_us_east_1_a_distribution_uses_the_security_certificate(clubapp) -> None:
    assert set(clubapp.resources("security", "aws_acm_certificate")) == {"certificate"}
    assert len(clubapp.stacks["security"]["provider"]["aws"]) == 1
    outputs = clubapp.stacks["security"]["output"]
    assert outputs["edge_certificate_arn"]["value"] == outputs["certificate_arn"]["value"]


def test_the_api_origin_must_be_on_the_load_balancers_certificate(tmp_path: Path) -> None:
    document = yaml.safe_load((ENVIRONMENTS_DIR / "menotime-prod.yaml").read_text())
    document["data"]["buckets"][0]["cdn"]["api"]["origin_domain"] = "api.example.com"
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "menotime.yaml").write_text((ENVIRONMENTS_DIR / "base" / "menotime.yaml").read_text())
    (tmp_path / "menotime-prod.yaml").write_text(yaml.safe_dump(document))
    with pytest.raises(ConfigError, match=r"cdn.api.origin_domain: api.example.com is not on the certificate"):
        load_environment_file(tmp_path / "menotime-prod.yaml")


def test_the_seeds_database_security_group_storage_ceiling_key_rotation_and_redirect(stages) -> None:
    """The seed's menotime-db-sg (5432 from the ECS group only, no egress), "1 TB, expandable" (to the
    2 TB the file sets), annual key rotation, and port 80 answering 301 to HTTPS, in every stage."""
    for stage, synthesized in stages.items():
        ingress = synthesized.resources("security", "aws_vpc_security_group_ingress_rule")
        to_database = [r for r in ingress.values() if r["security_group_id"] == "${aws_security_group.sg-database.id}"]
        assert [(r["from_port"], r["to_port"], r.get("referenced_security_group_id")) for r in to_database] == [
            (5432, 5432, "${aws_security_group.sg-service-backend.id}")
        ], stage
        egress = synthesized.resources("security", "aws_vpc_security_group_egress_rule").values()
        assert not [r for r in egress if r["security_group_id"] == "${aws_security_group.sg-database.id}"], stage
        groups = {g["name"] for g in synthesized.resources("security", "aws_security_group").values()}
        assert f"menotime-{stage}-rds-sg" in groups  # the seed's menotime-db-sg, with the stage in its name
        database = synthesized.only("data", "aws_db_instance")
        assert (database["allocated_storage"], database["max_allocated_storage"]) == (1000, 2000)
        keys = synthesized.resources("security", "aws_kms_key").values()
        assert keys and all(k["enable_key_rotation"] is True and "rotation_period_in_days" not in k for k in keys)
        listeners = synthesized.resources("compute", "aws_lb_listener").values()
        (http,) = [listener for listener in listeners if listener["port"] == 80]
        assert http["default_action"] == [
            {"redirect": {"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"}, "type": "redirect"}
        ]


def test_guardduty_watches_the_tasks_at_run_time_and_every_stage_may_pull_its_agent(stages, account_menotime) -> None:
    """The seed's GuardDuty scope, all ECS, RDS and S3 resources: S3 and RDS protection and Runtime
    Monitoring with GuardDuty's managed Fargate agent, turned on once by the account's baseline; the
    agent joins every Fargate task of the account, so each stage's execution role may pull it."""
    features = account_menotime.resources("baseline", "aws_guardduty_detector_feature")
    assert {f["name"] for f in features.values()} == {"S3_DATA_EVENTS", "RDS_LOGIN_EVENTS", "RUNTIME_MONITORING"}
    (runtime,) = [f for f in features.values() if f["name"] == "RUNTIME_MONITORING"]
    agent = {c["name"]: c["status"] for c in runtime["additional_configuration"]}
    assert agent["ECS_FARGATE_AGENT_MANAGEMENT"] == "ENABLED"
    for stage, synthesized in stages.items():
        policy = json.loads(
            synthesized.resources("compute", "aws_iam_role_policy")["execution-pull-and-log-backend"]["policy"]
        )
        (pull,) = [s for s in policy["Statement"] if s["Sid"] == "PullGuardDutyAgent"]
        assert pull["Resource"] == "arn:aws:ecr:us-west-1:684579721401:repository/aws-guardduty-agent-fargate", stage
        https = synthesized.resources("security", "aws_vpc_security_group_egress_rule")["sg-backend-out-https"]
        assert (https["from_port"], https["cidr_ipv4"]) == (443, "0.0.0.0/0")  # the agent's endpoint and registry


def test_the_database_is_the_operations_cost_centers(stages) -> None:
    for stage, synthesized in stages.items():
        assert synthesized.only("data", "aws_db_instance")["tags"]["CostCenter"] == "operations", stage
        assert (
            synthesized.stacks["data"]["provider"]["aws"][0]["default_tags"][0]["tags"]["CostCenter"] == "engineering"
        )


def test_the_seeds_load_balancer_secrets_logs_and_task_grants(stages) -> None:
    """Internet-facing in the public subnets with 80 and 443 open, HTTPS forwarded to the target group;
    the seed's two secrets per stage, read by the execution role; awslogs into the stage's group; the
    task role's objects of static-assets and logs; RDS's own log exports and 60 s enhanced monitoring."""
    for stage, synthesized in stages.items():
        balancer = synthesized.only("compute", "aws_lb")
        assert balancer["internal"] is False
        assert balancer["subnets"] == "${data.terraform_remote_state.networking.outputs.public_subnet_ids}"
        ingress = synthesized.resources("security", "aws_vpc_security_group_ingress_rule")
        into_alb = {(r["from_port"], r.get("cidr_ipv4")) for r in ingress.values()
                    if r["security_group_id"] == "${aws_security_group.sg-alb.id}"}  # fmt: skip
        assert into_alb == {(80, "0.0.0.0/0"), (443, "0.0.0.0/0")}, stage
        (rule,) = synthesized.resources("compute", "aws_lb_listener_rule").values()
        assert rule["action"] == [
            {"target_group_arn": "${aws_lb_target_group.alb-target-backend.arn}", "type": "forward"}
        ]
        secrets = {s["name"] for s in synthesized.resources("security", "aws_secretsmanager_secret").values()}
        assert secrets == {f"menotime/{stage}/email/ses-smtp", f"menotime/{stage}/api/third-party-keys"}
        (container,) = json.loads(synthesized.only("compute", "aws_ecs_task_definition")["container_definitions"])
        assert container["logConfiguration"]["logDriver"] == "awslogs"
        assert container["logConfiguration"]["options"]["awslogs-group"] == f"/aws/ecs/menotime-{stage}"
        assert {s["name"] for s in container["secrets"]} >= {
            "SES_SMTP_USERNAME",
            "SES_SMTP_PASSWORD",
            "THIRD_PARTY_KEYS",
        }
        grants = json.loads(synthesized.resources("data", "aws_iam_role_policy")["task-buckets-backend"]["policy"])
        (objects,) = [s for s in grants["Statement"] if s["Sid"] == "ReadWriteObjects"]
        assert sorted(objects["Action"]) == ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
        assert len(objects["Resource"]) == 2  # static-assets and logs, nothing else
        assert not [
            s for s in grants["Statement"] if any(a.startswith("ses:") for a in s["Action"])
        ]  # SMTP, not the API
        database = synthesized.only("data", "aws_db_instance")
        assert database["enabled_cloudwatch_logs_exports"] == ["postgresql", "upgrade"]
        assert database["monitoring_interval"] == 60
        assert database["parameter_group_name"] == "${aws_db_parameter_group.database-parameters.name}"
        assert "aws_route53_record" not in synthesized.stacks["data"].get("resource", {})  # no zone id given


def test_the_seeds_metrics_are_on_the_stages_dashboards(stages) -> None:
    """ECS CPU and memory, RDS CPU, connections, storage and latency, ALB requests, latency and 5xx."""
    for stage, synthesized in stages.items():
        boards = synthesized.resources("observability", "aws_cloudwatch_dashboard").values()
        metrics = {
            m[1] for d in boards for w in json.loads(d["dashboard_body"])["widgets"] for m in w["properties"]["metrics"]
        }
        assert {"CPUUtilization", "MemoryUtilization", "DatabaseConnections", "FreeStorageSpace", "ReadLatency",
                "RequestCount", "TargetResponseTime", "HTTPCode_Target_5XX_Count"} <= metrics, stage  # fmt: skip
        cluster = synthesized.only("compute", "aws_ecs_cluster")
        assert cluster["setting"] == [{"name": "containerInsights", "value": "enabled"}]  # the tasks' network bytes


def test_every_bucket_of_every_stage_is_versioned(stages) -> None:
    for stage, synthesized in stages.items():
        buckets = set(synthesized.resources("data", "aws_s3_bucket"))
        versioned = {
            name.removesuffix("-versioning")
            for name, v in synthesized.resources("data", "aws_s3_bucket_versioning").items()
            if v["versioning_configuration"]["status"] == "Enabled"
        }
        assert {"static-assets", "logs", "backups"} <= buckets and buckets <= versioned, stage
        encryption = synthesized.resources("data", "aws_s3_bucket_server_side_encryption_configuration")
        rule = encryption["backups-encryption"]["rule"][0]["apply_server_side_encryption_by_default"]
        assert rule["sse_algorithm"] == "aws:kms"
