"""The access-log bucket: S3 server access logs of every bucket the unit creates (each source
limited to its own prefix), its own included, and the load balancer's access logs where there is
one. SSE-S3, because neither delivery supports a customer-managed key."""

from __future__ import annotations

from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.gate.acceptances import accept_finding
from modules.shared.iam import Statement
from modules.shared.s3_bucket import SecureBucket, server_access_log_prefix

ACCESS_LOGS = "access-logs"


def access_log_bucket(
    scope: Construct,
    *,
    logged_buckets: list[str],
    retention_days: int,
    namer: Namer,
    account: str,
    force_destroy: bool,
    elb_account_arn: str | None = None,
    role: str = ACCESS_LOGS,
) -> SecureBucket:
    """`logged_buckets`: the roles of the buckets that log here; `elb_account_arn`: the load
    balancer's delivery account, when a load balancer logs here."""
    access_log_name = namer.bucket(role, account)
    # One delivery grant per source bucket, limited to its own prefix and its own ARN.
    server_access_log_grants = tuple(
        Statement(
            sid=f"ServerAccessLogsFrom{source.title().replace('-', '')}",
            principals={"Service": "logging.s3.amazonaws.com"},
            actions=("s3:PutObject",),
            resources=(f"arn:aws:s3:::{access_log_name}/{server_access_log_prefix(source)}*",),
            conditions={
                "StringEquals": {"aws:SourceAccount": account},
                "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{namer.bucket(source, account)}"},
            },
        )
        for source in (*logged_buckets, role)
    )
    load_balancer_delivery = (
        Statement(
            sid="LoadBalancerAccessLogDelivery",
            principals={"AWS": elb_account_arn},
            actions=("s3:PutObject",),
            resources=(f"arn:aws:s3:::{access_log_name}/alb/AWSLogs/{account}/*",),
        ),
    )
    access_logs = SecureBucket(
        scope,
        role,
        bucket_name=access_log_name,
        kms_key_arn=None,
        sse_s3_reason="S3 server access logging and ELB access logging deliver only to SSE-S3 buckets",
        noncurrent_version_expiration_days=retention_days,
        force_destroy=force_destroy,
        extra_statements=(*server_access_log_grants, *(load_balancer_delivery if elb_account_arn else ())),
    )
    # The log bucket logs its own access too (the pack's s3-bucket-logging-enabled): each delivery is
    # then logged by a later one, a steady trickle of small objects that never stops but does not grow.
    access_logs.log_access_to(access_logs, source=role)
    accept_finding(
        access_logs.bucket,
        "CKV_AWS_145",
        "S3 server access logs and ALB access logs can only be delivered to buckets encrypted with SSE-S3 "
        "(AWS limitation); the bucket holds request metadata, not PHI.",
    )

    return access_logs
