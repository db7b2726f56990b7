"""Shared by the ECS container checks; registers no check of its own."""

from __future__ import annotations

import json
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


def container_definitions(raw: Any) -> list[dict[str, Any]]:
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


class ContainerCheck(BaseResourceCheck):
    """An ECS task definition fails when any of its containers does."""

    def __init__(self, *, name: str, id: str, category: CheckCategories) -> None:
        super().__init__(name=name, id=id, categories=(category,), supported_resources=("aws_ecs_task_definition",))

    def container_fails(self, container: dict[str, Any]) -> bool:
        raise NotImplementedError

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = ["container_definitions"]
        containers = container_definitions(conf.get("container_definitions"))
        if not containers:
            return CheckResult.UNKNOWN
        return CheckResult.FAILED if any(self.container_fails(c) for c in containers) else CheckResult.PASSED
