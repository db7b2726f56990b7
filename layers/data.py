"""Layer 3: the database, the application buckets and the access-log bucket."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_elb_service_account import DataAwsElbServiceAccount
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from hipaa_platform.contracts import LayerOutputs, described, item
from hipaa_platform.layer import BuildContext, LayerStack
from hipaa_platform.suppressions import accept_finding
from layers.networking import NetworkingOutputs
from layers.security import SecurityOutputs
from modules.iam import Statement, policy_document
from modules.postgres import PostgresDatabase
from modules.s3_bucket import SecureBucket, server_access_log_prefix

NO_REPLICATION = (
    "The environment is single-region by design; versioning, the lifecycle and RDS backups are the "
    "recovery path, and cross-region replication is an explicit upgrade, not a default."
)
NO_EVENT_NOTIFICATIONS = (
    "Nothing consumes object events for this bucket; S3 server access logs and CloudTrail data events "
    "already record every access for the audit trail."
)


@dataclass(frozen=True)
class DataOutputs(LayerOutputs):
    LAYER = "data"
    database_identifier: str = described("RDS instance identifier, for alarms and operations")
    database_endpoint: str = described("RDS endpoint host name (private)")
    database_port: float = described("RDS engine port")
    database_master_secret_arn: str = described("Secrets Manager secret RDS keeps the master credentials in")
    bucket_names: list[str] = described("Application bucket names, in data.buckets order")
    bucket_arns: list[str] = described("Application bucket ARNs, in data.buckets order")
    access_log_bucket_name: str = described("Bucket receiving S3 server access logs and load balancer access logs")


class DataLayer(LayerStack):
    LAYER = "data"

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, context)
        env = self.environment
        network = self.read(NetworkingOutputs)
        security = self.read(SecurityOutputs)
        account = DataAwsCallerIdentity(self, "account").account_id
        elb_account = DataAwsElbServiceAccount(self, "elb-account")

        access_log_name = f"{self.namer.name('access-logs')}-{account}"
        # One delivery grant per source bucket, limited to its own prefix and its own ARN.
        server_access_log_grants = tuple(
            Statement(
                sid=f"ServerAccessLogsFrom{spec.name.title().replace('-', '')}",
                principals={"Service": "logging.s3.amazonaws.com"},
                actions=("s3:PutObject",),
                resources=(f"arn:aws:s3:::{access_log_name}/{server_access_log_prefix(spec.name)}*",),
                conditions={
                    "StringEquals": {"aws:SourceAccount": account},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{self.namer.name(spec.name)}-{account}"},
                },
            )
            for spec in env.data.buckets
        )
        access_logs = SecureBucket(
            self,
            "access-logs",
            bucket_name=access_log_name,
            kms_key_arn=None,
            sse_s3_reason="S3 server access logging and ELB access logging deliver only to SSE-S3 buckets",
            noncurrent_version_expiration_days=env.compute.load_balancer.access_log_retention_days,
            force_destroy=context.target.disposable,
            extra_statements=(
                *server_access_log_grants,
                Statement(
                    sid="LoadBalancerAccessLogDelivery",
                    principals={"AWS": elb_account.arn},
                    actions=("s3:PutObject",),
                    resources=(f"arn:aws:s3:::{access_log_name}/alb/AWSLogs/{account}/*",),
                ),
            ),
        )
        accept_finding(
            access_logs.bucket,
            "CKV_AWS_145",
            "S3 server access logs and ALB access logs can only be delivered to buckets encrypted with SSE-S3 "
            "(AWS limitation); the bucket holds request metadata, not PHI.",
        )
        accept_finding(access_logs.bucket, "CKV_AWS_144", NO_REPLICATION)
        accept_finding(access_logs.bucket, "CKV2_AWS_62", NO_EVENT_NOTIFICATIONS)

        buckets = []
        for spec in env.data.buckets:
            bucket = SecureBucket(
                self,
                spec.name,
                bucket_name=f"{self.namer.name(spec.name)}-{account}",
                kms_key_arn=security.kms_key_arn,
                transitions=spec.transitions,
                noncurrent_version_expiration_days=spec.noncurrent_version_expiration_days,
                access_log_bucket=access_logs,
                force_destroy=context.target.disposable,
            )
            accept_finding(bucket.bucket, "CKV_AWS_144", NO_REPLICATION)
            accept_finding(bucket.bucket, "CKV2_AWS_62", NO_EVENT_NOTIFICATIONS)
            buckets.append(bucket)
        bucket_by_name = {spec.name: b for spec, b in zip(env.data.buckets, buckets, strict=True)}

        # Each bucket's grants live with the bucket: the task role gets objects and listing, nothing else.
        for index, service in enumerate(env.compute.services):
            if not service.bucket_access:
                continue
            granted = [bucket_by_name[name] for name in service.bucket_access]
            IamRolePolicy(
                self,
                f"task-buckets-{service.container_name}",
                name="application-buckets",
                role=item(security.task_role_names, index),
                policy=policy_document(
                    Statement(
                        sid="ReadWriteObjects",
                        actions=("s3:PutObject", "s3:GetObject", "s3:DeleteObject"),
                        resources=tuple(f"{b.arn}/*" for b in granted),
                    ),
                    Statement(sid="ListBuckets", actions=("s3:ListBucket",), resources=tuple(b.arn for b in granted)),
                ),
            )

        database = PostgresDatabase(
            self,
            "database",
            config=env.data.database,
            subnet_ids=network.private_subnet_ids,
            security_group_id=security.database_security_group_id,
            kms_key_arn=security.kms_key_arn,
            monitoring_role_arn=security.rds_monitoring_role_arn,
            deletion_protection=env.data.database.deletion_protection and not context.target.disposable,
        )
        if not env.data.database.multi_az:
            accept_finding(
                database.instance,
                "CKV_AWS_157",
                "Single-AZ is the environment's stated cost decision (seed: Multi-AZ disabled until scale); "
                "35-day automated backups and a final snapshot bound the data-loss risk.",
            )

        self.publish(
            DataOutputs(
                database_identifier=database.identifier,
                database_endpoint=database.endpoint,
                database_port=database.port,
                database_master_secret_arn=database.master_user_secret_arn,
                bucket_names=[b.name for b in buckets],
                bucket_arns=[b.arn for b in buckets],
                access_log_bucket_name=access_logs.name,
            )
        )
