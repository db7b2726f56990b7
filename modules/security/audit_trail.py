"""A multi-region CloudTrail trail: KMS-encrypted, log file validation on, delivered to CloudWatch
Logs and to an S3 bucket under Object Lock in compliance mode. It records management events and
S3 object-level events (who read or wrote which object) in every bucket but its own."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudtrail import (
    Cloudtrail,
    CloudtrailAdvancedEventSelector,
    CloudtrailAdvancedEventSelectorFieldSelector,
)
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import CloudTrail, ObjectLock
from hipaa_platform.gate.acceptances import accept_finding
from modules.shared.iam import Statement
from modules.shared.log_group import EncryptedLogGroup
from modules.shared.s3_bucket import SecureBucket
from modules.shared.service_role import service_role_with_policy

DAYS_PER_YEAR = 365


class AuditTrail(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: CloudTrail,
        namer: Namer,
        account: str,
        partition: str,
        region: str,
        kms_key_arn: str,
        access_logs: SecureBucket,
        force_destroy: bool,
    ) -> None:
        super().__init__(scope, id)
        trail_name = namer.name("audit-trail")
        trail_arn = f"arn:{partition}:cloudtrail:{region}:{account}:trail/{trail_name}"
        bucket_name = namer.bucket("cloudtrail", account)
        self.bucket = SecureBucket(
            self,
            "bucket",
            bucket_name=bucket_name,
            kms_key_arn=kms_key_arn,
            object_lock=ObjectLock(mode="COMPLIANCE", retention_days=config.retention_years * DAYS_PER_YEAR),
            noncurrent_version_expiration_days=config.retention_years * DAYS_PER_YEAR,
            force_destroy=force_destroy,
            extra_statements=(
                Statement(
                    sid="CloudTrailChecksAcl",
                    principals={"Service": "cloudtrail.amazonaws.com"},
                    actions=("s3:GetBucketAcl",),
                    resources=(f"arn:{partition}:s3:::{bucket_name}",),
                    conditions={"StringEquals": {"aws:SourceArn": trail_arn}},
                ),
                Statement(
                    sid="CloudTrailDelivers",
                    principals={"Service": "cloudtrail.amazonaws.com"},
                    actions=("s3:PutObject",),
                    resources=(f"arn:{partition}:s3:::{bucket_name}/AWSLogs/{account}/*",),
                    conditions={"StringEquals": {"aws:SourceArn": trail_arn}},
                ),
            ),
        )
        self.bucket.log_access_to(access_logs, source="cloudtrail")
        self.log_group = EncryptedLogGroup(
            self,
            "logs",
            name=namer.log_group("cloudtrail"),
            retention_days=config.log_retention_days,
            kms_key_arn=kms_key_arn,
        )
        role = service_role_with_policy(
            self,
            "delivery-role",
            "delivery",
            name=namer.name("cloudtrail-logs-role"),
            description="CloudTrail delivers events to its encrypted log group",
            service="cloudtrail.amazonaws.com",
            account=account,
            source_arn=trail_arn,
            policy_name="deliver-trail-events",
            statements=(
                Statement(
                    sid="DeliverToOwnLogGroup",
                    actions=("logs:CreateLogStream", "logs:PutLogEvents"),
                    resources=(f"{self.log_group.arn}:log-stream:*",),
                ),
            ),
        )
        self.trail = Cloudtrail(
            self,
            "this",
            name=trail_name,
            s3_bucket_name=self.bucket.name,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            kms_key_id=kms_key_arn,
            cloud_watch_logs_group_arn=f"{self.log_group.arn}:*",
            cloud_watch_logs_role_arn=role.arn,
            advanced_event_selector=recorded_events(f"arn:{partition}:s3:::{bucket_name}/"),
            depends_on=[self.bucket.policy] if self.bucket.policy else None,
        )
        accept_finding(
            self.trail,
            "CKV_AWS_252",
            "Nothing consumes a notification per delivered log file: the trail's events go to its "
            "CloudWatch Logs group, where they are searched, and to its Object Lock bucket.",
        )


def recorded_events(own_objects: str) -> list[CloudtrailAdvancedEventSelector]:
    """Management events, and S3 data events (reads and writes) on every object outside
    `own_objects`: the trail's writes to its own bucket would otherwise be recorded in turn."""

    def field(name: str, **condition: list[str]) -> CloudtrailAdvancedEventSelectorFieldSelector:
        return CloudtrailAdvancedEventSelectorFieldSelector(field=name, **condition)

    return [
        CloudtrailAdvancedEventSelector(
            name="Management events", field_selector=[field("eventCategory", equal_to=["Management"])]
        ),
        CloudtrailAdvancedEventSelector(
            name="S3 object reads and writes outside the trail's bucket",
            field_selector=[
                field("eventCategory", equal_to=["Data"]),
                field("resources.type", equal_to=["AWS::S3::Object"]),
                field("resources.ARN", not_starts_with=[own_objects]),
            ],
        ),
    ]
