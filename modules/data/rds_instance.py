"""An RDS instance (PostgreSQL or MySQL): encrypted, private, TLS-only, IAM auth, logs exported to
an encrypted group, Performance Insights and enhanced monitoring, deletion-protected, final snapshot.
The master password is generated and kept by RDS in Secrets Manager; Terraform never sees it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.db_instance import DbInstance
from cdktf_cdktf_provider_aws.db_option_group import (
    DbOptionGroup,
    DbOptionGroupOption,
    DbOptionGroupOptionOptionSettings,
)
from cdktf_cdktf_provider_aws.db_parameter_group import DbParameterGroup
from cdktf_cdktf_provider_aws.db_subnet_group import DbSubnetGroup
from constructs import Construct

from hipaa_platform.building.layer_stack import target_creates
from hipaa_platform.building.tagging import data_tags
from hipaa_platform.config import Database
from hipaa_platform.gate.acceptances import accept_finding
from modules.data.final_snapshot import final_snapshot
from modules.data.master_secret_rotation import master_secret_rotation
from modules.shared.log_group import MYSQL_TLS_AND_LOGGING, POSTGRES_TLS_AND_LOGGING, database_log_groups


def major_version(engine: str, version: str) -> str:
    """RDS's major version of an engine version: `16` of PostgreSQL 16.4, `8.4` of MySQL 8.4.3."""
    return version.split(".")[0] if engine == "postgres" else ".".join(version.split(".")[:2])


@dataclass(frozen=True)
class EngineProfile:
    """What differs between engines: parameter family and group name, parameters, exported logs."""

    parameters: tuple[tuple[str, str], ...]
    exported_logs: tuple[str, ...]

    def family(self, engine: str, version: str) -> str:
        return f"{engine}{major_version(engine, version)}"

    def group_name(self, identifier: str, engine: str, version: str) -> str:
        if engine == "postgres":
            return f"{identifier}-pg{major_version(engine, version)}"
        return f"{identifier}-{self.family(engine, version).replace('.', '')}"


ENGINES = {
    "postgres": EngineProfile(POSTGRES_TLS_AND_LOGGING, ("postgresql", "upgrade")),
    # MySQL's audit log is written by the MariaDB audit plugin of its option group (mysql_audit_plugin).
    "mysql": EngineProfile(MYSQL_TLS_AND_LOGGING, ("audit", "error", "slowquery")),
}
# What the audit log records: every connection and disconnection (who, from where, when) and every
# statement that changes the schema or privileges. Not data statements: their values would copy the
# stored records (PII, PHI) into the logs, as the general log would.
MYSQL_AUDIT_EVENTS = "CONNECT,QUERY_DDL,QUERY_DCL"


AUDIT_PLUGIN_ON_EMULATOR = (
    "emulator only: moto takes MySQL option groups up to 8.0 only, so the database runs on the default "
    "option group, without the audit plugin"
)


def mysql_audit_plugin(scope: Construct, *, identifier: str, engine_version: str) -> DbOptionGroup | None:
    """An option group with the MariaDB audit plugin; None where the target cannot create one."""
    if not target_creates(scope, ("aws_db_option_group", f"{identifier}'s MySQL audit plugin")):
        return None
    return DbOptionGroup(
        scope,
        "audit-options",
        # A new group comes before the old one goes: RDS refuses to delete a group a database uses.
        name_prefix=f"{identifier}-audit-",
        option_group_description=f"Audit log (connections, DDL, DCL) of {identifier}",
        engine_name="mysql",
        major_engine_version=major_version("mysql", engine_version),
        option=[
            DbOptionGroupOption(
                option_name="MARIADB_AUDIT_PLUGIN",
                option_settings=[
                    DbOptionGroupOptionOptionSettings(name="SERVER_AUDIT_EVENTS", value=MYSQL_AUDIT_EVENTS),
                    # RDS's own maintenance user would fill the log with its housekeeping.
                    DbOptionGroupOptionOptionSettings(name="SERVER_AUDIT_EXCL_USERS", value="rdsadmin"),
                ],
            )
        ],
        lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
    )


class RdsInstance(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: Database,
        subnet_ids: Sequence[str],
        subnet_tier: Literal["private", "isolated"],
        security_group_id: str,
        kms_key_arn: str,
        monitoring_role_arn: str,
        deletion_protection: bool,
    ) -> None:
        super().__init__(scope, id)
        engine = ENGINES[config.engine]
        subnets = DbSubnetGroup(
            self,
            "subnets",
            name=f"{config.identifier}-subnets",
            description=f"{subnet_tier.capitalize()} subnets of {config.identifier}",
            subnet_ids=list(subnet_ids),
        )
        parameters = DbParameterGroup(
            self,
            "parameters",
            name=engine.group_name(config.identifier, config.engine, config.engine_version),
            family=engine.family(config.engine, config.engine_version),
            description=f"TLS-only connections and statement logging for {config.identifier}",
            parameter=[{"name": n, "value": v} for n, v in engine.parameters],
        )
        audit = (
            mysql_audit_plugin(self, identifier=config.identifier, engine_version=config.engine_version)
            if config.engine == "mysql"
            else None
        )
        log_groups = database_log_groups(
            self,
            path=f"/aws/rds/instance/{config.identifier}",
            kinds=engine.exported_logs,
            retention_days=config.log_retention_days,
            kms_key_arn=kms_key_arn,
        )
        self.instance = DbInstance(
            self,
            "this",
            identifier=config.identifier,
            engine=config.engine,
            engine_version=config.engine_version,
            instance_class=config.instance_class,
            allocated_storage=config.allocated_storage_gb,
            max_allocated_storage=config.max_allocated_storage_gb,
            storage_type=config.storage_type,
            storage_encrypted=True,
            kms_key_id=kms_key_arn,
            db_name=config.database_name,
            username=config.master_username,
            manage_master_user_password=True,
            master_user_secret_kms_key_id=kms_key_arn,
            iam_database_authentication_enabled=True,
            port=config.port,
            multi_az=config.multi_az,
            db_subnet_group_name=subnets.name,
            vpc_security_group_ids=[security_group_id],
            parameter_group_name=parameters.name,
            option_group_name=audit.name if audit else None,
            publicly_accessible=False,
            backup_retention_period=config.backup_retention_days,
            backup_window=config.backup_window,
            maintenance_window=config.maintenance_window,
            copy_tags_to_snapshot=True,
            deletion_protection=deletion_protection,
            **final_snapshot(config.identifier),
            auto_minor_version_upgrade=True,
            performance_insights_enabled=config.performance_insights,
            performance_insights_kms_key_id=kms_key_arn if config.performance_insights else None,
            performance_insights_retention_period=(
                config.performance_insights_retention_days if config.performance_insights else None
            ),
            monitoring_interval=config.monitoring_interval_seconds,
            monitoring_role_arn=monitoring_role_arn if config.monitoring_interval_seconds else None,
            enabled_cloudwatch_logs_exports=list(engine.exported_logs),
            ca_cert_identifier="rds-ca-rsa2048-g1",
            depends_on=log_groups,
            tags={
                **data_tags(backup="daily", encryption="kms"),
                **({"CostCenter": config.cost_center} if config.cost_center else {}),
            },
        )
        if config.engine == "mysql" and audit is None:  # only where the target cannot create the option group
            accept_finding(self.instance, "CKV2_HIPAA_27", AUDIT_PLUGIN_ON_EMULATOR, scan="plan")
        self.identifier = self.instance.identifier
        self.arn = self.instance.arn
        self.resource_id = self.instance.resource_id
        self.endpoint = self.instance.address
        self.port = self.instance.port
        self.master_user_secret_arn = self.instance.master_user_secret.get(0).secret_arn
        master_secret_rotation(self, secret_arn=self.master_user_secret_arn, config=config)
