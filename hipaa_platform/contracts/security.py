"""What the security layer publishes: its outputs, read downstream by name."""

from __future__ import annotations

from dataclasses import dataclass

from hipaa_platform.config import Environment
from hipaa_platform.contracts.base import LayerOutputs, described

# Keys of the contract maps that hold at most one item.
LOAD_BALANCER = "load-balancer"
API_GATEWAY = "api-gateway"
EC2_CAPACITY = "ec2-capacity"


@dataclass(frozen=True)
class SecurityOutputs(LayerOutputs):
    LAYER = "security"
    kms_key_arn: str = described("ARN of the default customer-managed key (whatever names no other purpose)")
    kms_key_arns: dict[str, str] = described("Key ARN by purpose (security.key_purposes, `default` included)")
    alb_security_group_id: str = described("Security group of the load balancer")
    cache_security_group_ids: dict[str, str] = described(
        "Security group of the cache (engine ports from services) by its name in data.cache or data.redis; "
        "empty without a cache"
    )
    vpc_link_security_group_ids: dict[str, str] = described(
        f"Security group of the API Gateway VPC link under `{API_GATEWAY}`; empty without an API"
    )
    web_acl_arns: dict[str, str] = described(f"Regional WAF web ACL under `{LOAD_BALANCER}`; empty without WAF")
    service_security_group_ids: dict[str, str] = described("Security group by ECS service name")
    database_security_group_id: str = described("Security group of the database (engine port from services only)")
    execution_role_arns: dict[str, str] = described("ECS task execution role ARN by service name")
    execution_role_names: dict[str, str] = described("ECS task execution role name by service name, for grants")
    task_role_arns: dict[str, str] = described("ECS task role ARN by service name")
    task_role_names: dict[str, str] = described("ECS task role name by service name, for grants by later layers")
    rds_monitoring_role_arn: str = described("Role RDS enhanced monitoring assumes to publish OS metrics")
    certificate_arn: str = described("ACM certificate ARN for the load balancer's HTTPS listener")
    edge_certificate_arn: str = described(
        "ACM certificate (us-east-1) of the CloudFront distributions: their own outside us-east-1, the load "
        "balancer's in it"
    )
    parameter_names: dict[str, str] = described("SecureString parameter path by its name in security.parameters")
    parameter_arns: dict[str, str] = described("SecureString parameter ARN by its name in security.parameters")
    secret_arns: dict[str, str] = described("Secrets Manager secret ARN by its name in security.secrets")
    container_instance_profile_arns: dict[str, str] = described(
        f"Instance profile of the ECS container instances under `{EC2_CAPACITY}`; empty without compute.ec2_capacity"
    )
    autoscaling_role_arns: dict[str, str] = described(
        f"The environment's EC2 Auto Scaling service-linked role under `{EC2_CAPACITY}`; empty without "
        "compute.ec2_capacity"
    )
    instance_refresh_role_arns: dict[str, str] = described(
        f"The role EventBridge Scheduler assumes to refresh the container instances under `{EC2_CAPACITY}`; empty "
        "without compute.ec2_capacity"
    )
    container_instance_security_group_ids: dict[str, str] = described(
        f"Security group of the ECS container instances under `{EC2_CAPACITY}`; empty without compute.ec2_capacity"
    )


def key_arn(outputs: SecurityOutputs, environment: Environment, purpose: str) -> str:
    """The ARN of the key for `purpose`, read from the security layer's outputs."""
    if purpose not in environment.security.key_purposes:
        raise RuntimeError(f"no key for purpose {purpose!r}; configured: {environment.security.key_purposes}")
    return outputs.kms_key_arns[purpose]
