"""A regional WAF web ACL: AWS managed rule groups, a per-IP rate limit, an optional rule that
admits only clinical media types on the HL7/FHIR paths, and logging to an encrypted log group."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.wafv2_regex_pattern_set import Wafv2RegexPatternSet, Wafv2RegexPatternSetRegularExpression
from cdktf_cdktf_provider_aws.wafv2_web_acl import Wafv2WebAcl
from cdktf_cdktf_provider_aws.wafv2_web_acl_logging_configuration import Wafv2WebAclLoggingConfiguration
from constructs import Construct

from hipaa_platform.config import RATE_LIMIT_RULE, Waf
from modules.shared.log_group import EncryptedLogGroup

# The Log4j rules; where the security layer's web ACL has them, the load balancer it guards has them too.
LOG4J_RULES = "AWSManagedRulesKnownBadInputsRuleSet"
LOG4J_RULES_IN_SECURITY_LAYER = (
    "The web ACL associated here is built in the security layer with AWSManagedRulesKnownBadInputsRuleSet "
    "(the Log4j rules, blocking); checkov's per-file graph cannot follow the association across layers."
)


def _visibility(metric: str) -> dict[str, object]:
    return {"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": True}


class RegionalWebAcl(Construct):
    def __init__(self, scope: Construct, id: str, *, name: str, config: Waf, log_key_arn: str) -> None:
        super().__init__(scope, id)
        rules: list[dict[str, object]] = []
        for priority, group in enumerate(config.managed_rule_groups):
            rules.append(
                {
                    "name": group,
                    "priority": priority,
                    # count: the group's matches are logged, not blocked (a rule's first weeks)
                    "override_action": {"count": {}} if group in config.count_only else {"none": {}},
                    "statement": {"managed_rule_group_statement": {"name": group, "vendor_name": "AWS"}},
                    "visibility_config": _visibility(group),
                }
            )
        rules.append(
            {
                "name": RATE_LIMIT_RULE,
                "priority": len(rules),
                "action": {"count": {}} if RATE_LIMIT_RULE in config.count_only else {"block": {}},
                "statement": {
                    "rate_based_statement": {"limit": config.rate_limit_per_5_minutes, "aggregate_key_type": "IP"}
                },
                "visibility_config": _visibility(f"{name}-rate-limit"),
            }
        )
        if config.clinical_paths:
            rules.append(self._clinical_rule(name, config, priority=len(rules)))

        self.acl = Wafv2WebAcl(
            self,
            "this",
            name=name,
            description="Managed rule groups, per-IP rate limit, clinical endpoint media types",
            scope="REGIONAL",
            default_action={"allow": {}},
            visibility_config=_visibility(name),
        )
        # The rule tree nests deeper than the typed bindings reach; it is written as Terraform JSON.
        self.acl.add_override("rule", rules)
        # WAF requires the `aws-waf-logs-` prefix on its log group.
        self.log_group = EncryptedLogGroup(
            self,
            "logs",
            name=f"aws-waf-logs-{name}",
            retention_days=config.log_retention_days,
            kms_key_arn=log_key_arn,
        )
        Wafv2WebAclLoggingConfiguration(
            self,
            "logging",
            resource_arn=self.acl.arn,
            log_destination_configs=[self.log_group.arn],
            # Facility credentials travel in these headers; they never reach the log.
            redacted_fields=[{"single_header": {"name": "authorization"}}, {"single_header": {"name": "x-api-key"}}],
        )
        self.arn = self.acl.arn

    def _clinical_rule(self, name: str, config: Waf, priority: int) -> dict[str, object]:
        def pattern_set(id: str, description: str, patterns: list[str]) -> Wafv2RegexPatternSet:
            return Wafv2RegexPatternSet(
                self,
                id,
                name=f"{name}-{id}",
                description=description,
                scope="REGIONAL",
                regular_expression=[Wafv2RegexPatternSetRegularExpression(regex_string=p) for p in patterns],
            )

        paths = pattern_set(
            "clinical-paths",
            "HL7/FHIR endpoint path prefixes",
            ["^" + p.replace(".", "\\.") for p in config.clinical_paths],
        )
        media = pattern_set(
            "clinical-media-types",
            "Content types accepted on the HL7/FHIR endpoints",
            ["^" + t.replace(".", "\\.").replace("+", "\\+") + "(;.*)?$" for t in config.clinical_content_types],
        )
        lowercase = [{"priority": 0, "type": "LOWERCASE"}]
        on_path = {
            "regex_pattern_set_reference_statement": {
                "arn": paths.arn,
                "field_to_match": {"uri_path": {}},
                "text_transformation": lowercase,
            }
        }
        declared_media = {
            "regex_pattern_set_reference_statement": {
                "arn": media.arn,
                "field_to_match": {"single_header": {"name": "content-type"}},
                "text_transformation": lowercase,
            }
        }
        return {
            "name": "clinical-endpoints-media-type",
            "priority": priority,
            "action": {"block": {}},
            "statement": {
                "and_statement": {"statement": [on_path, {"not_statement": {"statement": [declared_media]}}]}
            },
            "visibility_config": _visibility(f"{name}-clinical-media-type"),
        }
