"""Aurora PostgreSQL Serverless v2: encrypted with its own key, private, TLS-only, IAM auth, a
writer and readers in different AZs, logs exported to an encrypted group, Performance Insights and
enhanced monitoring, deletion-protected, final snapshot. RDS keeps the master password in Secrets
Manager; Terraform never sees it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from cdktf_cdktf_provider_aws.db_subnet_group import DbSubnetGroup
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster
from cdktf_cdktf_provider_aws.rds_cluster_instance import RdsClusterInstance
from cdktf_cdktf_provider_aws.rds_cluster_parameter_group import (
    RdsClusterParameterGroup,
    RdsClusterParameterGroupParameter,
)
from constructs import Construct

from hipaa_platform.building.tagging import data_tags
from hipaa_platform.config import Aurora
from modules.data.final_snapshot import final_snapshot
from modules.data.master_secret_rotation import master_secret_rotation
from modules.shared.log_group import POSTGRES_TLS_AND_LOGGING, database_log_groups

ENGINE = "aurora-postgresql"
EXPORTED_LOGS = ("postgresql",)


class AuroraServerlessCluster(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Aurora,
        subnet_ids: Sequence[str],
        subnet_tier: Literal["private", "isolated"],
        availability_zones: Sequence[str],
        security_group_id: str,
        kms_key_arn: str,
        log_key_arn: str,
        monitoring_role_arn: str,
        deletion_protection: bool,
    ) -> None:
        super().__init__(scope, id)
        major = config.engine_version.split(".")[0]
        subnets = DbSubnetGroup(
            self,
            "subnets",
            name=f"{config.identifier}-subnets",
            description=f"{subnet_tier.capitalize()} subnets of {config.identifier}",
            subnet_ids=list(subnet_ids),
        )
        parameters = RdsClusterParameterGroup(
            self,
            "parameters",
            name=f"{config.identifier}-aurora-pg{major}",
            family=f"{ENGINE}{major}",
            description=f"TLS-only connections and statement logging for {config.identifier}",
            parameter=[RdsClusterParameterGroupParameter(name=n, value=v) for n, v in POSTGRES_TLS_AND_LOGGING],
        )
        log_groups = database_log_groups(
            self,
            path=f"/aws/rds/cluster/{config.identifier}",
            kinds=EXPORTED_LOGS,
            retention_days=config.log_retention_days,
            kms_key_arn=log_key_arn,
        )
        self.cluster = RdsCluster(
            self,
            "this",
            cluster_identifier=config.identifier,
            engine=ENGINE,
            engine_mode="provisioned",
            engine_version=config.engine_version,
            database_name=config.database_name,
            master_username=config.master_username,
            manage_master_user_password=True,
            master_user_secret_kms_key_id=kms_key_arn,
            serverlessv2_scaling_configuration={
                "min_capacity": config.min_capacity_acu,
                "max_capacity": config.max_capacity_acu,
            },
            storage_encrypted=True,
            kms_key_id=kms_key_arn,
            iam_database_authentication_enabled=True,
            port=config.port,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[security_group_id],
            db_cluster_parameter_group_name=parameters.name,
            backup_retention_period=config.backup_retention_days,
            preferred_backup_window=config.backup_window,
            preferred_maintenance_window=config.maintenance_window,
            copy_tags_to_snapshot=True,
            deletion_protection=deletion_protection,
            **final_snapshot(config.identifier),
            enabled_cloudwatch_logs_exports=list(EXPORTED_LOGS),
            depends_on=log_groups,
            tags=data_tags(backup="daily", encryption="kms"),
        )
        # The writer first, then each reader in the next AZ, so a reader never shares the writer's AZ.
        self.instances = [
            RdsClusterInstance(
                self,
                "writer" if number == 0 else f"reader-{number}",
                identifier=f"{config.identifier}-{'writer' if number == 0 else f'reader-{number}'}",
                cluster_identifier=self.cluster.id,
                instance_class="db.serverless",
                engine=ENGINE,
                engine_version=config.engine_version,
                availability_zone=availability_zones[number % len(availability_zones)],
                promotion_tier=0 if number == 0 else 1,
                publicly_accessible=False,
                auto_minor_version_upgrade=True,
                performance_insights_enabled=True,
                performance_insights_kms_key_id=kms_key_arn,
                performance_insights_retention_period=config.performance_insights_retention_days,
                monitoring_interval=config.monitoring_interval_seconds,
                monitoring_role_arn=monitoring_role_arn if config.monitoring_interval_seconds else None,
                ca_cert_identifier="rds-ca-rsa2048-g1",
                copy_tags_to_snapshot=True,
            )
            for number in range(1 + config.readers)
        ]
        self.identifier = self.cluster.cluster_identifier
        self.arn = self.cluster.arn
        self.endpoint = self.cluster.endpoint
        self.port = self.cluster.port
        self.resource_id = self.cluster.cluster_resource_id
        self.master_user_secret_arn = self.cluster.master_user_secret.get(0).secret_arn
        master_secret_rotation(self, secret_arn=self.master_user_secret_arn, config=config)
