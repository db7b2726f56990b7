"""The `security` section: keys, secrets, parameters, WAF (the account's own guards are its account file's)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from hipaa_platform.config.base import ENV_VAR, Model, Name, check_retention, listed

KeyService = Literal["logs", "cloudtrail", "cloudwatch", "events", "sns", "cloudfront", "fargate", "ses"]
KEY_SERVICES: tuple[str, ...] = ("logs", "cloudtrail", "cloudwatch", "events", "sns", "cloudfront", "fargate", "ses")
DEFAULT_KEY = "default"
KEY_ALIAS = r"^alias/[A-Za-z0-9/_-]+$"


# The account hosting GuardDuty's Fargate security agent (repository aws-guardduty-agent-fargate), by
# region; a task's execution role pulls it. Source: https://docs.aws.amazon.com/guardduty/latest/ug/
# ecs-runtime-agent-ecr-image-uri.html, read 2026-12-07; ap-southeast-2's row was not in the part read.
GUARDDUTY_FARGATE_AGENT_ACCOUNTS = {
    "us-east-1": "593207742271",
    "us-east-2": "307168627858",
    "us-west-1": "684579721401",
    "us-west-2": "733349766148",
    "ca-central-1": "354763396469",
    "eu-west-1": "694911143906",
    "eu-west-2": "892757235363",
    "eu-central-1": "323658145986",
}
GUARDDUTY_FARGATE_AGENT_REPOSITORY = "aws-guardduty-agent-fargate"


def guardduty_agent_repository_arn(region: str) -> str:
    """The agent's repository; the accounts above are in the commercial partition."""
    account = GUARDDUTY_FARGATE_AGENT_ACCOUNTS[region]
    return f"arn:aws:ecr:{region}:{account}:repository/{GUARDDUTY_FARGATE_AGENT_REPOSITORY}"


class KeySpec(Model):
    """A customer-managed key for one purpose; resources name the purpose they are encrypted for."""

    purpose: Name
    alias: str = Field(pattern=KEY_ALIAS)
    allow_services: tuple[KeyService, ...] = Field(
        (), description="AWS services the key policy lets encrypt with it: " + ", ".join(KEY_SERVICES)
    )


class SecretSpec(Model):
    """A Secrets Manager secret; its value is set out of band, never by this project."""

    name: Name = Field(description="how services and grants refer to it")
    secret_name: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9/_+=.@-]{1,512}$",
        description="the name in Secrets Manager, `/` allowed (default: <name_prefix>/<name>)",
    )
    description: str = Field(min_length=5)
    kms_key: str = DEFAULT_KEY


RATE_LIMIT_RULE = "rate-limit-per-ip"


class Waf(Model):
    managed_rule_groups: tuple[str, ...] = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet")
    rate_limit_per_5_minutes: int = Field(1000, ge=10, le=2_000_000_000, description="requests per IP per 5 minutes")
    clinical_paths: tuple[str, ...] = Field((), description="path prefixes of the HL7/FHIR endpoints, e.g. /fhir/")
    clinical_content_types: tuple[str, ...] = Field(
        (), description="the only Content-Type values accepted on clinical_paths"
    )
    log_retention_days: int = 365
    count_only: tuple[str, ...] = Field(
        (),
        description=f"rules that only count (log) what they match instead of blocking it: names from "
        f"managed_rule_groups, or {RATE_LIMIT_RULE!r}",
    )

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return check_retention(value)

    @model_validator(mode="after")
    def _count_only_names_rules(self) -> Waf:
        rules = (*self.managed_rule_groups, RATE_LIMIT_RULE)
        for name in self.count_only:
            if name not in rules:
                raise ValueError(f"count_only: {name!r} is not a rule of this web ACL; allowed: {listed(rules)}")
        return self

    @model_validator(mode="after")
    def _clinical_rule(self) -> Waf:
        if bool(self.clinical_paths) != bool(self.clinical_content_types):
            raise ValueError("clinical_paths and clinical_content_types are set together or not at all")
        return self


class Security(Model):
    kms_key_alias: str = Field(pattern=KEY_ALIAS, description="the default key, for whatever names no purpose")
    default_key_services: tuple[KeyService, ...] = Field(
        ("logs", "cloudwatch"), description="AWS services the default key's policy admits: " + ", ".join(KEY_SERVICES)
    )
    keys: tuple[KeySpec, ...] = Field((), description="further keys, one per purpose")
    log_key: str = Field(DEFAULT_KEY, description="key purpose of every log group")
    kms_deletion_window_days: int = Field(30, ge=7, le=30)
    certificate_domain: str = Field(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")
    certificate_alternative_names: tuple[Annotated[str, Field(pattern=r"^[a-z0-9.*-]+\.[a-z]{2,}$")], ...] = ()
    parameters: tuple[Annotated[str, Field(pattern=ENV_VAR.pattern)], ...] = Field(
        (), description="names of SecureString parameters; values are set out of band, never here"
    )
    secrets: tuple[SecretSpec, ...] = Field((), description="Secrets Manager secrets; values set out of band")
    permission_boundary: bool = Field(False, description="cap every workload role with a permission boundary")
    waf: Waf | None = None

    @property
    def key_purposes(self) -> tuple[str, ...]:
        return (DEFAULT_KEY, *(k.purpose for k in self.keys))

    def secret_name(self, name: str, name_prefix: str) -> str:
        """The Secrets Manager name of security.secrets `name` (its secret_name, or <prefix>/<name>)."""
        spec = next((s for s in self.secrets if s.name == name), None)
        return spec.secret_name if spec and spec.secret_name else f"{name_prefix}/{name}"

    @model_validator(mode="after")
    def _keys(self) -> Security:
        purposes = [k.purpose for k in self.keys]
        duplicates = sorted({p for p in purposes if purposes.count(p) > 1} | ({DEFAULT_KEY} & set(purposes)))
        if duplicates:
            raise ValueError(f"keys: purpose {duplicates[0]!r} is declared twice ('{DEFAULT_KEY}' is built in)")
        aliases = [self.kms_key_alias, *(k.alias for k in self.keys)]
        if len(set(aliases)) != len(aliases):
            raise ValueError("keys: every key needs its own alias")
        return self
