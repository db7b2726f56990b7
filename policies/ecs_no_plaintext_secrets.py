"""CKV_HIPAA_1: no secret-looking value in an ECS container definition's `environment`.

HIPAA 164.312(a)(1) access control and 164.312(e)(2)(ii) encryption: a credential placed in a
task definition's environment is stored and shown in plain text by the ECS API, the console and
Terraform plans, readable by anyone with ecs:DescribeTaskDefinition. Credentials belong in
`secrets` (valueFrom an SSM SecureString or Secrets Manager ARN), which ECS resolves at start.
"""

from __future__ import annotations

import json
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from hipaa_platform.secrets_policy import secret_finding


def _containers(raw: Any) -> list[dict[str, Any]]:
    """container_definitions as checkov hands it over: a JSON string (terraform_json), decoded
    HCL (terraform), or a list of objects (terraform_plan), each possibly wrapped in a list."""
    if isinstance(raw, list) and len(raw) == 1 and not isinstance(raw[0], dict):
        raw = raw[0]
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return []
    if isinstance(raw, dict):
        raw = [raw]
    return [c for c in raw if isinstance(c, dict)] if isinstance(raw, list) else []


class EcsNoPlaintextSecrets(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure ECS container environment variables carry no plain-text secrets",
            id="CKV_HIPAA_1",
            categories=(CheckCategories.SECRETS,),
            supported_resources=("aws_ecs_task_definition",),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = ["container_definitions"]
        containers = _containers(conf.get("container_definitions"))
        if not containers:
            return CheckResult.UNKNOWN
        for container in containers:
            for variable in container.get("environment") or []:
                if isinstance(variable, dict) and secret_finding(str(variable.get("name", "")), variable.get("value")):
                    return CheckResult.FAILED
        return CheckResult.PASSED


check = EcsNoPlaintextSecrets()
