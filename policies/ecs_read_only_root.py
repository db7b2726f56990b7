"""CKV_HIPAA_2: every ECS container runs unprivileged with a read-only root filesystem.

HIPAA 164.312(c)(1) integrity and 164.308(a)(5)(ii)(B) protection from malicious software: a
process that cannot write its own image or reach the host cannot plant code that outlives the
task or tamper with what it serves; scratch space comes from explicit volumes. checkov's own
CKV_AWS_336 cannot see this in synthesized JSON, where container definitions are a JSON string
(it passes a container with `readonlyRootFilesystem: false`); this check decodes them.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories

from policies.ecs_containers import ContainerCheck


class EcsReadOnlyRootUnprivileged(ContainerCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure ECS containers run unprivileged with a read-only root filesystem",
            id="CKV_HIPAA_2",
            category=CheckCategories.GENERAL_SECURITY,
        )

    def container_fails(self, container: dict[str, Any]) -> bool:
        return container.get("readonlyRootFilesystem") is not True or container.get("privileged") is True


check = EcsReadOnlyRootUnprivileged()
