"""One service's container registry: KMS-encrypted, scanned on push, with a lifecycle that expires
untagged images and keeps the configured number of images."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.ecr_lifecycle_policy import EcrLifecyclePolicy
from cdktf_cdktf_provider_aws.ecr_repository import EcrRepository, EcrRepositoryEncryptionConfiguration
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import Compute, Decisions, Service
from hipaa_platform.gate.acceptances import accept_decision


def container_repository(
    scope: Construct, spec: Service, *, compute: Compute, decisions: Decisions, namer: Namer, kms_key_arn: str
) -> EcrRepository:
    repository = EcrRepository(
        scope,
        f"repository-{spec.container_name}",
        name=namer.repository(spec),
        image_tag_mutability=compute.image_tag_mutability,
        image_scanning_configuration={"scan_on_push": True},
        encryption_configuration=[EcrRepositoryEncryptionConfiguration(encryption_type="KMS", kms_key=kms_key_arn)],
    )
    if compute.image_tag_mutability == "MUTABLE":
        accept_decision(repository, decisions, "mutable_image_tags")
    EcrLifecyclePolicy(
        scope,
        f"repository-lifecycle-{spec.container_name}",
        repository=repository.name,
        policy=json.dumps(
            {
                "rules": [
                    {
                        "rulePriority": 1,
                        "description": f"Expire untagged images after {compute.untagged_image_expiry_days} days",
                        "selection": {
                            "tagStatus": "untagged",
                            "countType": "sinceImagePushed",
                            "countUnit": "days",
                            "countNumber": compute.untagged_image_expiry_days,
                        },
                        "action": {"type": "expire"},
                    },
                    {
                        "rulePriority": 2,
                        "description": f"Keep the last {compute.image_retention_count} images",
                        "selection": {
                            "tagStatus": "any",
                            "countType": "imageCountMoreThan",
                            "countNumber": compute.image_retention_count,
                        },
                        "action": {"type": "expire"},
                    },
                ]
            }
        ),
    )
    return repository
