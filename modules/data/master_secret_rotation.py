"""The rotation schedule of the master-credentials secret RDS manages. RDS rotates the password
itself (no rotation function); this sets how often, and how long each rotation may take."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.secretsmanager_secret_rotation import (
    SecretsmanagerSecretRotation,
    SecretsmanagerSecretRotationRotationRules,
)
from constructs import Construct

from hipaa_platform.building.layer_stack import target_creates
from hipaa_platform.config import DatabaseOperations


def master_secret_rotation(scope: Construct, *, secret_arn: str, config: DatabaseOperations) -> None:
    if not config.master_secret_rotation_days or not target_creates(
        scope, ("aws_secretsmanager_secret_rotation", "master password rotation schedule")
    ):
        return
    SecretsmanagerSecretRotation(
        scope,
        "master-secret-rotation",
        secret_id=secret_arn,
        rotate_immediately=False,
        rotation_rules=SecretsmanagerSecretRotationRotationRules(
            automatically_after_days=config.master_secret_rotation_days,
            duration=f"{config.master_secret_rotation_window_hours}h",
        ),
    )
