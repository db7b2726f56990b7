"""IAM Access Analyzer for the account: reports every key, bucket, role, queue and secret a policy
shares outside the account (the zone of trust), so a grant the access check never saw shows up."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.accessanalyzer_analyzer import AccessanalyzerAnalyzer
from constructs import Construct

from hipaa_platform.building.layer_stack import target_creates


def external_access_analyzer(scope: Construct, *, name: str) -> AccessanalyzerAnalyzer | None:
    if not target_creates(scope, ("aws_accessanalyzer_analyzer", "IAM Access Analyzer")):
        return None
    return AccessanalyzerAnalyzer(scope, "access-analyzer", analyzer_name=name, type="ACCOUNT")
