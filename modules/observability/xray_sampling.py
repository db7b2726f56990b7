"""X-Ray sampling: every 5xx request and a baseline share of the rest; slow requests are found
through an X-Ray group, because sampling is decided when a request starts, before its duration
is known."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.xray_group import XrayGroup
from cdktf_cdktf_provider_aws.xray_sampling_rule import XraySamplingRule
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import XRaySampling


def xray_sampling(scope: Construct, *, config: XRaySampling, namer: Namer) -> None:
    services = f"{namer.prefix}-*"
    rules = (("errors", 1, config.error_rate, 10, {"http.status_code": "5*"}),
             ("baseline", 1000, config.baseline_rate, 1, None))  # fmt: skip
    for rule, priority, rate, reservoir, attributes in rules:
        XraySamplingRule(
            scope,
            f"sampling-{rule}",
            rule_name=namer.name(rule),
            priority=priority,
            fixed_rate=rate,
            reservoir_size=reservoir,
            service_name=services,
            service_type="*",
            host="*",
            http_method="*",
            url_path="*",
            resource_arn="*",
            version=1,
            attributes=attributes,
        )
    XrayGroup(
        scope,
        "slow-requests",
        group_name=namer.name("slow-requests"),
        filter_expression=f"responsetime > {config.slow_request_seconds:g}",
        insights_configuration={"insights_enabled": True, "notifications_enabled": False},
    )
