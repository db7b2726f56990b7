"""What the local emulator cannot do, each with the reason. Nothing else differs on the emulator.

- Resource types it cannot create: constructs ask `LayerStack.creates(type)` and leave them out.
- Managed AWS Config rules it refuses (RULE_SOURCES_UNSUPPORTED_ON_EMULATOR): where it cannot create
  the conformance pack, the baseline gives it the pack's rules one by one, but these.
- Attributes it refuses or does not store: on the emulator only, an attribute it refuses is left
  unset, and every listed attribute is ignored on re-plan so it cannot show as drift.
The deploy report lists both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Skip:
    """One resource type a layer left out on the emulator, and why."""

    layer: str
    resource_type: str
    what: str
    reason: str


UNSUPPORTED_ON_EMULATOR: dict[str, str] = {
    "aws_backup_selection": "moto does not implement CreateBackupSelection",
    "aws_backup_vault_policy": "moto does not implement PutBackupVaultAccessPolicy",
    "aws_s3_account_public_access_block": (
        "the S3 Control API puts the account id in front of the endpoint's host (123456789012.127.0.0.1), "
        "which does not resolve to the emulator"
    ),
    "aws_budgets_budget": (
        "moto does not implement DescribeSubscribersForNotification, which the provider calls to read "
        "a budget's notifications back"
    ),
    "aws_securityhub_account": (
        "moto does not implement UpdateSecurityHubConfiguration; it answers 500 and the provider "
        "retries for many minutes"
    ),
    "aws_securityhub_standards_subscription": "moto does not implement BatchEnableStandards or GetEnabledStandards",
    "aws_guardduty_detector_feature": (
        "moto's UpdateDetector replaces the detector's feature list instead of merging it, so of two "
        "features only the last survives and the re-plan adds the other again"
    ),
    "aws_elasticache_serverless_cache": "moto has no ElastiCache Serverless API",
    "aws_config_conformance_pack": "moto implements organization conformance packs only (no PutConformancePack)",
    "aws_accessanalyzer_analyzer": "moto has no IAM Access Analyzer API",
    "aws_db_option_group": (
        "moto takes option groups for MySQL up to 8.0 only (Cannot find major version 8.4), and the platform's "
        "MySQL is 8.4; the instance then runs on the default option group"
    ),
    "aws_db_instance_automated_backups_replication": (
        "moto does not implement StartDBInstanceAutomatedBackupsReplication (the destination region's key "
        "is skipped with it)"
    ),
    "aws_ses_identity_notification_topic": (
        "moto does not implement SetIdentityHeadersInNotificationsEnabled, which the provider calls after "
        "setting the topic and retries until it times out"
    ),
    "aws_elasticache_user_group": "moto does not implement CreateUserGroup",
    "aws_secretsmanager_secret_rotation": (
        "moto's CancelRotateSecret refuses a secret without a rotation function (RDS rotates its managed "
        "secret without one), so the run could not destroy it; moto also keeps no rotation window"
    ),
    "aws_elasticache_subnet_group": "moto does not implement DeleteCacheSubnetGroup, so the run could not destroy it",
    "aws_elasticache_replication_group": (
        "moto creates a replication group without its member cache clusters, and the provider reads "
        "each member back (DescribeCacheClusters answers CacheClusterNotFound)"
    ),
    "aws_appautoscaling_target": (
        "moto does not implement ListTagsForResource for Application Auto Scaling; the provider reads "
        "a target's tags after registering it and retries for many minutes"
    ),
    "aws_appautoscaling_policy": "it attaches to a scalable target, which the emulator cannot create",
    "aws_cloudfront_response_headers_policy": "moto does not implement CreateResponseHeadersPolicy",
    "aws_route53_record": "the record goes into a hosted zone the account already has, which the emulator does not",
    "aws_codestarconnections_connection": "moto has no CodeStar Connections API",
    "aws_codedeploy_app": "moto does not implement DeleteApplication, so the run could not destroy it",
    "aws_codedeploy_deployment_group": (
        "moto does not implement UpdateDeploymentGroup or DeleteDeploymentGroup, so the run could not destroy it"
    ),
    "aws_codebuild_project": (
        "moto requires a source location even for a CODEPIPELINE source, which has none (AWS accepts it)"
    ),
    "aws_codepipeline": (
        "its stages name the CodeStar connection, the CodeBuild projects and the CodeDeploy application, "
        "which the emulator cannot create"
    ),
    "aws_sqs_queue_redrive_allow_policy": (
        "moto does not store a queue's RedriveAllowPolicy, and the provider waits for it to read back"
    ),
    "aws_cloudwatch_composite_alarm": "moto does not implement PutCompositeAlarm",
    "aws_xray_sampling_rule": "moto's X-Ray has no sampling rules",
    "aws_xray_group": "moto's X-Ray has no groups",
}


@dataclass(frozen=True)
class AttributeGap:
    resource_type: str
    attribute: str
    omitted: bool  # True: left unset (the emulator refuses the value); False: sent, not stored
    reason: str


SG_RULE_DESCRIPTION = "moto does not store descriptions of rules that reference another security group"
ATTRIBUTE_GAPS_ON_EMULATOR = (
    AttributeGap("aws_vpc_security_group_ingress_rule", "description", False, SG_RULE_DESCRIPTION),
    AttributeGap("aws_vpc_security_group_egress_rule", "description", False, SG_RULE_DESCRIPTION),
    *(
        AttributeGap(resource_type, attribute, False, "moto does not store Performance Insights settings")
        for resource_type in ("aws_db_instance", "aws_rds_cluster_instance")
        for attribute in (
            "performance_insights_enabled",
            "performance_insights_kms_key_id",
            "performance_insights_retention_period",
        )
    ),
    AttributeGap(
        "aws_sqs_queue",
        "redrive_policy",
        False,
        "moto returns the redrive policy with spaces after its separators; the provider compares it with "
        "the compact form SQS returns, so it reads as a whitespace-only change",
    ),
    AttributeGap(
        "aws_rds_cluster",
        "scaling_configuration",
        False,
        "moto returns an empty Serverless v1 scaling configuration for every cluster; this project sets "
        "only the v2 one",
    ),
    *(
        AttributeGap("aws_ecs_service", attribute, False, "moto does not store this ECS service setting")
        for attribute in (
            "availability_zone_rebalancing",
            "enable_ecs_managed_tags",
            "health_check_grace_period_seconds",
            "enable_execute_command",
        )
    ),
    AttributeGap(
        "aws_cloudfront_distribution",
        "default_cache_behavior",
        False,
        "moto adds legacy forwarded_values to a cache behavior that uses a cache policy",
    ),
    AttributeGap(
        "aws_cloudfront_distribution", "origin", False, "moto does not return an origin's origin access control id"
    ),
    AttributeGap(
        "aws_cloudfront_distribution",
        "viewer_certificate",
        False,
        "moto reports the CloudFront default certificate as in use besides the ACM certificate it was given",
    ),
    AttributeGap(
        "aws_db_parameter_group",
        "parameter",
        False,
        "moto does not return user-set parameters of a DB parameter group",
    ),
    *(
        AttributeGap(
            "aws_ecs_service",
            attribute,
            False,
            "moto's CreateService does not store a capacity provider strategy or placement strategy (it "
            "reports launch type EC2), and the provider replaces a service whose strategy differs",
        )
        for attribute in ("capacity_provider_strategy", "ordered_placement_strategy")
    ),
    AttributeGap(
        "aws_launch_template",
        "tag_specifications",
        False,
        "moto returns the launch template's own tags as a tag specification of its launch data",
    ),
    AttributeGap(
        "aws_autoscaling_group",
        "service_linked_role_arn",
        True,
        "moto reports every Auto Scaling group with the account's default service-linked role, whatever role "
        "it was given, so the environment's own role would show as a change on every re-plan",
    ),
    AttributeGap(
        "aws_db_instance",
        "maintenance_window",
        True,
        "moto counts a maintenance window that starts when the backup window ends (04:00) as an "
        "overlap and refuses it; AWS accepts adjacent windows",
    ),
)


def gaps_for(resource_type: str) -> list[AttributeGap]:
    return [gap for gap in ATTRIBUTE_GAPS_ON_EMULATOR if gap.resource_type == resource_type]


@dataclass(frozen=True)
class PlanFinding:
    """A checkov finding that a plan against the emulator shows only because of a gap above."""

    resource_type: str
    check_id: str
    reason: str


NO_BACKUP_SELECTION = "emulator only: moto has no backup selections (CreateBackupSelection), so none covers it"
PLAN_FINDINGS_ON_EMULATOR = (
    PlanFinding("aws_db_instance", "CKV2_HIPAA_12", NO_BACKUP_SELECTION),
    PlanFinding("aws_dynamodb_table", "CKV2_HIPAA_12", NO_BACKUP_SELECTION),
    PlanFinding("aws_rds_cluster", "CKV2_AWS_8", NO_BACKUP_SELECTION),
    PlanFinding(
        "aws_backup_vault",
        "CKV2_HIPAA_15",
        "emulator only: moto does not implement PutBackupVaultAccessPolicy, so the vault has no policy",
    ),
    PlanFinding(
        "aws_db_instance", "CKV_AWS_293", "emulator only: deletion protection is lifted so the run can destroy"
    ),
    PlanFinding("aws_db_instance", "CKV_AWS_353", "emulator only: moto does not store Performance Insights settings"),
    PlanFinding(
        "aws_db_instance",
        "CKV2_AWS_69",
        "emulator only: moto does not return the parameter group's rds.force_ssl, so the plan cannot show it",
    ),
)


# moto checks each managed rule against its table of AWS's managed rules (read from AWS Config's
# documentation), which lists no process checks.
RULE_SOURCES_UNSUPPORTED_ON_EMULATOR: dict[str, str] = {
    "AWS_CONFIG_PROCESS_CHECK": (
        "moto's table of managed rules has no process checks (PutConfigRule answers that the "
        "sourceIdentifier is invalid)"
    ),
}
