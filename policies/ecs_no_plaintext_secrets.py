"""CKV_HIPAA_1: no secret-looking value in an ECS container definition's `environment`.

HIPAA 164.312(a)(1) access control and 164.312(e)(2)(ii) encryption: a credential placed in a
task definition's environment is stored and shown in plain text by the ECS API, the console and
Terraform plans, readable by anyone with ecs:DescribeTaskDefinition. Credentials belong in
`secrets` (valueFrom an SSM SecureString or Secrets Manager ARN), which ECS resolves at start.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories

from hipaa_platform.config.secrets_policy import secret_finding
from policies.ecs_containers import ContainerCheck


class EcsNoPlaintextSecrets(ContainerCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure ECS container environment variables carry no plain-text secrets",
            id="CKV_HIPAA_1",
            category=CheckCategories.SECRETS,
        )

    def container_fails(self, container: dict[str, Any]) -> bool:
        return any(
            isinstance(variable, dict) and secret_finding(str(variable.get("name", "")), variable.get("value"))
            for variable in container.get("environment") or []
        )


check = EcsNoPlaintextSecrets()
