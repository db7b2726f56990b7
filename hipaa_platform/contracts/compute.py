"""What the compute layer publishes: its outputs, read downstream by name."""

from __future__ import annotations

from dataclasses import dataclass

from hipaa_platform.contracts.base import LayerOutputs, described
from hipaa_platform.contracts.security import API_GATEWAY

# Keys of the contract maps that hold at most one item.
TEST_LISTENER = "test"
SPA = "spa"


@dataclass(frozen=True)
class ComputeOutputs(LayerOutputs):
    LAYER = "compute"
    cluster_name: str = described("ECS cluster name")
    cluster_arn: str = described("ECS cluster ARN")
    service_names: dict[str, str] = described("ECS service name by its name in compute.services")
    service_arns: dict[str, str] = described("ECS service ARN by service name")
    log_group_names: dict[str, str] = described("Application log group by service name")
    repository_arns: dict[str, str] = described("ECR repository ARN by service name")
    repository_urls: dict[str, str] = described("ECR repository URL by service name, for image pushes")
    load_balancer_arn_suffix: str = described("ALB ARN suffix, the CloudWatch metric dimension")
    load_balancer_dns_name: str = described("ALB DNS name; point the application's CNAME here")
    https_listener_arn: str = described("Production HTTPS listener of the ALB")
    test_listener_arns: dict[str, str] = described(
        f"Blue-green test traffic listener under `{TEST_LISTENER}`; empty without blue-green services"
    )
    target_group_arn_suffixes: dict[str, str] = described("(Blue) target group ARN suffix by service, for metrics")
    blue_target_group_names: dict[str, str] = described("Blue target group name by blue-green service name")
    green_target_group_names: dict[str, str] = described("Green target group name by blue-green service name")
    api_endpoints: dict[str, str] = described(f"API Gateway endpoint under `{API_GATEWAY}`; empty without an API")
    spa_distribution_ids: dict[str, str] = described(
        f"CloudFront distribution of the single-page app under `{SPA}`; empty without one"
    )
    spa_bucket_names: dict[str, str] = described(f"Bucket the single-page app is deployed to, under `{SPA}`")
