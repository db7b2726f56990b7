"""Where a synthesized environment deploys, and where its state lives.

One switch, three backends: local files (the default), S3 with native locking and KMS for real
accounts, and the same S3 backend pointed at the local emulator.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from hipaa_platform.errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOOPBACK_URLS = ("https://127.", "http://127.", "https://localhost", "http://localhost")

# Provider endpoint key per resource-type prefix (longest prefix wins). On the emulator target the
# provider is pointed at loopback for every one of these, so no request can reach a real AWS host;
# a resource type with no entry here stops an emulator synthesis (app.check_emulator_endpoints).
ENDPOINT_BY_PREFIX = {
    "aws_acm_": "acm",
    "aws_apigatewayv2_": "apigatewayv2",
    "aws_appautoscaling_": "appautoscaling",
    "aws_autoscaling_": "autoscaling",
    "aws_backup_": "backup",
    "aws_budgets_": "budgets",
    "aws_cloudfront_": "cloudfront",
    "aws_cloudtrail": "cloudtrail",
    "aws_cloudwatch_event_": "events",
    "aws_cloudwatch_log_": "cloudwatchlogs",
    "aws_cloudwatch_": "cloudwatch",
    "aws_codebuild_": "codebuild",
    "aws_codedeploy_": "codedeploy",
    "aws_codepipeline": "codepipeline",
    "aws_codestarconnections_": "codestarconnections",
    "aws_db_": "rds",
    "aws_default_security_group": "ec2",
    "aws_dynamodb_": "dynamodb",
    "aws_ebs_": "ec2",
    "aws_ecr_": "ecr",
    "aws_ecs_": "ecs",
    "aws_eip": "ec2",
    "aws_elasticache_": "elasticache",
    "aws_flow_log": "ec2",
    "aws_guardduty_": "guardduty",
    "aws_iam_": "iam",
    "aws_internet_gateway": "ec2",
    "aws_kms_": "kms",
    "aws_launch_template": "ec2",
    "aws_lb": "elbv2",
    "aws_nat_gateway": "ec2",
    "aws_network_acl": "ec2",
    "aws_rds_": "rds",
    "aws_route": "ec2",
    "aws_s3_": "s3",
    "aws_s3_account_": "s3control",
    "aws_secretsmanager_": "secretsmanager",
    "aws_ses_": "ses",
    "aws_security_group": "ec2",
    "aws_securityhub_": "securityhub",
    "aws_service_discovery_": "servicediscovery",
    "aws_sns_": "sns",
    "aws_sqs_": "sqs",
    "aws_ssm_": "ssm",
    "aws_subnet": "ec2",
    "aws_vpc": "ec2",
    "aws_wafv2_": "wafv2",
    "aws_xray_": "xray",
}
EMULATED_SERVICES = tuple(sorted({*ENDPOINT_BY_PREFIX.values(), "sts"}))


def endpoint_for(resource_type: str) -> str | None:
    """The provider endpoint a resource type calls, or None when the project does not know it."""
    matches = [prefix for prefix in ENDPOINT_BY_PREFIX if resource_type.startswith(prefix)]
    return ENDPOINT_BY_PREFIX[max(matches, key=len)] if matches else None


class StateBackend(StrEnum):
    LOCAL = "local"
    S3 = "s3"
    EMULATOR = "emulator"


@dataclass(frozen=True)
class Target:
    backend: StateBackend = StateBackend.LOCAL
    emulator_endpoint: str | None = None
    local_state_root: Path = PROJECT_ROOT / "state"

    @property
    def disposable(self) -> bool:
        """Only emulator runs are torn down at the end, so only they lift deletion protection."""
        return self.backend is StateBackend.EMULATOR

    def __post_init__(self) -> None:
        if self.backend is StateBackend.EMULATOR and not self.emulator_endpoint:
            raise UserError("the emulator backend needs PLATFORM_EMULATOR_ENDPOINT, e.g. https://127.0.0.1:4566")
        if self.emulator_endpoint and not self.emulator_endpoint.startswith(LOOPBACK_URLS):
            raise UserError(
                f"emulator endpoint {self.emulator_endpoint!r} must be on loopback (https://127.0.0.1:PORT)"
            )

    @property
    def is_emulator(self) -> bool:
        return self.backend is StateBackend.EMULATOR

    @classmethod
    def from_environment_variables(cls) -> Target:
        raw = os.environ.get("PLATFORM_STATE", StateBackend.LOCAL.value)
        try:
            backend = StateBackend(raw)
        except ValueError:
            allowed = ", ".join(b.value for b in StateBackend)
            raise UserError(f"PLATFORM_STATE={raw!r} is not a state backend; allowed: {allowed}") from None
        return cls(backend=backend, emulator_endpoint=os.environ.get("PLATFORM_EMULATOR_ENDPOINT") or None)


def state_key(environment: str, layer: str) -> str:
    return f"{environment}/{layer}/terraform.tfstate"
