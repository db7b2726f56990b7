"""Parameters and secrets whose values are written out of band by the team that owns them
(docs/operations.md): Terraform creates the encrypted container, never the value."""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.secretsmanager_secret import SecretsmanagerSecret
from cdktf_cdktf_provider_aws.ssm_parameter import SsmParameter
from constructs import Construct

from hipaa_platform.gate.acceptances import accept_finding

PARAMETER_PLACEHOLDER = "unset: populate out of band (docs/operations.md)"


def secure_parameter(scope: Construct, id: str, *, path: str, description: str, kms_key_arn: str) -> SsmParameter:
    return SsmParameter(
        scope,
        id,
        name=path,
        description=f"{description}; the value is set out of band, never by Terraform",
        type="SecureString",
        key_id=kms_key_arn,
        value=PARAMETER_PLACEHOLDER,
        lifecycle=TerraformResourceLifecycle(ignore_changes=["value"]),
    )


def out_of_band_secret(
    scope: Construct, id: str, *, name: str, description: str, kms_key_arn: str
) -> SecretsmanagerSecret:
    secret = SecretsmanagerSecret(
        scope,
        id,
        name=name,
        description=f"{description}; the value is set out of band, never by Terraform",
        kms_key_id=kms_key_arn,
        recovery_window_in_days=30,
    )
    accept_finding(
        secret,
        "CKV2_AWS_57",
        "This platform does not know how the value is issued (an external provider's key, a connection "
        "string set by its owner), so it cannot rotate it; the owning team writes and replaces it out of "
        "band (docs/operations.md).",
    )
    return secret
