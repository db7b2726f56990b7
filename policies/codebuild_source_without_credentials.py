"""CKV_HIPAA_10: no CodeBuild source URL carries sign-in credentials.

HIPAA 164.308(a)(4) information access management: a repository URL of the form
https://user:token@host/... puts a personal token in the project's definition and build logs,
where it is readable and never rotated; OAuth or a CodeStar connection (through CodePipeline)
keeps it out. The conformance pack's codebuild-project-source-repo-url-check.
"""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import value

# scheme://anything@host: user and password (or token) before the host.
CREDENTIALS_IN_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@\s]+@", re.IGNORECASE)


class CodeBuildSourceWithoutCredentials(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no CodeBuild source location contains sign-in credentials",
            id="CKV_HIPAA_10",
            categories=(CheckCategories.SECRETS,),
            supported_resources=("aws_codebuild_project",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        sources = list(conf.get("source") or []) + list(conf.get("secondary_sources") or [])
        for source in sources:
            location = value((source or {}).get("location"))
            if isinstance(location, str) and CREDENTIALS_IN_URL.match(location):
                return CheckResult.FAILED
        return CheckResult.PASSED


check = CodeBuildSourceWithoutCredentials()
