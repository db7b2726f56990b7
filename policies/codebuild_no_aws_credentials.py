"""CKV_HIPAA_9: no CodeBuild project carries AWS credentials in plain environment variables.

HIPAA 164.308(a)(4) information access management and 164.312(a)(1) access control: an access key
in a build's plaintext environment is readable by anyone who can read the project, appears in
build logs, and never rotates. A build gets its AWS identity from its service role. The
conformance pack's codebuild-project-envvar-awscred-check.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import value

CREDENTIAL_VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}


class CodeBuildNoAwsCredentials(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no CodeBuild project sets AWS credentials as plaintext environment variables",
            id="CKV_HIPAA_9",
            categories=(CheckCategories.SECRETS,),
            supported_resources=("aws_codebuild_project",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        for environment in conf.get("environment") or []:
            for variable in (environment or {}).get("environment_variable") or []:
                name, kind = value(variable.get("name")), value(variable.get("type")) or "PLAINTEXT"
                if str(name).upper() in CREDENTIAL_VARIABLES and kind == "PLAINTEXT":
                    return CheckResult.FAILED
        return CheckResult.PASSED


check = CodeBuildNoAwsCredentials()
