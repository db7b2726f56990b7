"""The access-log bucket: S3 server access logs of every bucket the platform creates (each source
limited to its own prefix) and the load balancer's access logs. SSE-S3, because neither delivery
supports a customer-managed key."""

from __future__ import annotations

from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.gate.acceptances import accept_finding
from modules.shared.iam import Statement
from modules.shared.s3_bucket import SecureBucket, server_access_log_prefix


def access_log_bucket(
    scope: Construct,
    *,
    logged_buckets: list[str],
    retention_days: int,
    namer: Namer,
    account: str,
    elb_account_arn: str,
    force_destroy: bool,
) -> SecureBucket:
    access_log_name = namer.bucket("access-logs", account)
    # One delivery grant per source bucket, limited to its own prefix and its own ARN.
    server_access_log_grants = tuple(
        Statement(
            sid=f"ServerAccessLogsFrom{role.title().replace('-', '')}",
            principals={"Service": "logging.s3.amazonaws.com"},
            actions=("s3:PutObject",),
            resources=(f"arn:aws:s3:::{access_log_name}/{server_access_log_prefix(role)}*",),
            conditions={
                "StringEquals": {"aws:SourceAccount": account},
                "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{namer.bucket(role, account)}"},
            },
        )
        for role in logged_buckets
    )
    access_logs = SecureBucket(
        scope,
        "access-logs",
        bucket_name=access_log_name,
        kms_key_arn=None,
        sse_s3_reason="S3 server access logging and ELB access logging deliver only to SSE-S3 buckets",
        noncurrent_version_expiration_days=retention_days,
        force_destroy=force_destroy,
        extra_statements=(
            *server_access_log_grants,
            Statement(
                sid="LoadBalancerAccessLogDelivery",
                principals={"AWS": elb_account_arn},
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

    return access_logs
