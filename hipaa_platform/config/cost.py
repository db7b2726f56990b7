"""The `cost` section: the usage an estimate assumes, and an accepted budget overrun with its reason.

What a resource costs by the hour follows from what the layers create; what it costs by use (log
volume, requests, data processed, storage) cannot be read from code. Each assumption has a default a
stage file overrides, merged like every other section, and the estimate prints the ones it used.
"""

from __future__ import annotations

from pydantic import Field

from hipaa_platform.config.base import Model

Quantity = float


def _assumed(default: float, description: str) -> Quantity:
    return Field(default, ge=0, description=description)


class UsageAssumptions(Model):
    """Monthly usage per resource, unless the field says otherwise."""

    log_ingested_gb: Quantity = _assumed(0.5, "GB written to each log group a month")
    log_stored_gb: Quantity = _assumed(3.0, "GB each log group holds on average")
    load_balancer_lcu: Quantity = _assumed(1.0, "load balancer capacity units each load balancer uses, on average")
    nat_processed_gb: Quantity = _assumed(20.0, "GB each NAT gateway processes a month")
    endpoint_processed_gb: Quantity = _assumed(1.0, "GB each interface endpoint processes a month")
    bucket_stored_gb: Quantity = _assumed(5.0, "GB in S3 Standard in each bucket")
    bucket_write_thousands: Quantity = _assumed(10.0, "thousands of PUT/COPY/POST/LIST requests per bucket a month")
    bucket_read_thousands: Quantity = _assumed(100.0, "thousands of GET requests per bucket a month")
    kms_requests_thousands: Quantity = _assumed(20.0, "thousands of requests to each customer-managed key a month")
    secret_api_calls_thousands: Quantity = _assumed(10.0, "thousands of API calls to each secret a month")
    cdn_transfer_gb: Quantity = _assumed(10.0, "GB each CloudFront distribution serves a month")
    cdn_requests_ten_thousands: Quantity = _assumed(100.0, "tens of thousands of HTTPS requests per distribution")
    waf_requests_millions: Quantity = _assumed(1.0, "millions of requests each web ACL inspects a month")
    trail_data_events_hundred_thousands: Quantity = _assumed(
        10.0, "hundreds of thousands of S3 data events a trail records"
    )
    guardduty_events_millions: Quantity = _assumed(1.0, "millions of CloudTrail management events GuardDuty analyses")
    guardduty_flow_and_dns_gb: Quantity = _assumed(5.0, "GB of VPC flow logs and DNS logs GuardDuty analyses")
    security_hub_checks_thousands: Quantity = _assumed(5.0, "thousands of Security Hub security checks a month")
    config_items_thousands: Quantity = _assumed(2.0, "thousands of configuration items AWS Config records a month")
    pack_evaluations_thousands: Quantity = _assumed(
        10.0, "thousands of conformance pack rule evaluations a month (first 100,000 tier)"
    )
    backup_stored_gb: Quantity = _assumed(20.0, "GB of AWS Backup warm storage per backup plan")
    table_write_millions: Quantity = _assumed(1.0, "millions of write request units per on-demand table")
    table_read_millions: Quantity = _assumed(5.0, "millions of read request units per on-demand table")
    table_stored_gb: Quantity = _assumed(1.0, "GB each DynamoDB table holds")
    queue_requests_millions: Quantity = _assumed(1.0, "millions of requests to each SQS queue a month")
    topic_publishes_millions: Quantity = _assumed(0.1, "millions of publishes to each SNS topic a month")
    emails_thousands: Quantity = _assumed(10.0, "thousands of emails each SES identity sends a month")
    repository_stored_gb: Quantity = _assumed(1.0, "GB of images each ECR repository holds")
    build_minutes: Quantity = _assumed(300.0, "CodeBuild minutes each project runs a month")
    cache_stored_gb: Quantity = _assumed(1.0, "GB each serverless cache holds (Redis bills at least 1 GB)")
    cache_ecpu_millions: Quantity = _assumed(100.0, "millions of ElastiCache processing units a serverless cache uses")
    aurora_average_acu: float | None = Field(
        None, gt=0, description="Aurora Serverless v2 capacity each instance averages (default: its minimum)"
    )
    aurora_stored_gb: Quantity = _assumed(20.0, "GB each Aurora cluster stores")
    aurora_io_millions: Quantity = _assumed(10.0, "millions of I/O requests each Aurora cluster makes a month")
    api_requests_millions: Quantity = _assumed(1.0, "millions of requests to each HTTP API a month")
    traces_millions: Quantity = _assumed(0.1, "millions of traces X-Ray records a month")
    bus_events_millions: Quantity = _assumed(1.0, "millions of custom events published to each event bus a month")
    archive_processed_gb: Quantity = _assumed(1.0, "GB of events each event archive takes in a month")


class Cost(Model):
    usage: UsageAssumptions = Field(default_factory=lambda: UsageAssumptions())
    over_budget: str | None = Field(
        None,
        min_length=40,
        description="why this environment may cost more than observability.budget.monthly_limit_usd; "
        "without it, an estimate over the limit fails",
    )
