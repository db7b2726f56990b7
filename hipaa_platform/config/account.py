"""An account file (accounts/<name>.yaml): the baseline one AWS account carries once, whatever stages
run in it. No stage holds any of it, so destroying a stage leaves the account's evidence in place."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from hipaa_platform.config.base import Model, Name, check_retention, listed
from hipaa_platform.config.security import GUARDDUTY_FARGATE_AGENT_ACCOUNTS
from hipaa_platform.config.state import State
from hipaa_platform.config.tags import Tags

Region = Literal[
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
    "eu-west-1", "eu-west-2", "eu-central-1", "ap-southeast-2",
]  # fmt: skip
KEY_ALIAS = r"^alias/[A-Za-z0-9/_-]+$"
DOMAIN = r"^[a-z0-9.-]+\.[a-z]{2,}$"


class CloudTrail(Model):
    """The account's one multi-region trail, encrypted with the baseline's evidence key."""

    retention_years: int = Field(7, ge=1, le=100, description="Object Lock compliance-mode retention")
    log_retention_days: int = 365

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return check_retention(value)


class PasswordPolicy(Model):
    """The account's IAM password policy; the bounds are the HIPAA conformance pack's parameters.
    Upper and lower case letters, numbers and symbols are always required."""

    minimum_length: int = Field(14, ge=14, le=128)
    reuse_prevention: int = Field(24, ge=24, le=24, description="remembered passwords (IAM allows at most 24)")
    max_age_days: int = Field(90, ge=1, le=90)


class GuardDuty(Model):
    """The account's detector; S3, RDS and EBS malware protection are always on."""

    runtime_monitoring: bool = Field(
        False,
        description="ECS runtime monitoring with GuardDuty's managed Fargate agent beside every task of the "
        "account; every stage's Fargate execution roles may then pull the agent",
    )
    ec2_runtime_monitoring: bool = Field(
        False,
        description="runtime monitoring of the account's EC2 instances (ECS container instances included), "
        "GuardDuty installing and updating its agent through Systems Manager: the instances must be SSM "
        "managed and reach GuardDuty's data endpoint, which GuardDuty creates in their VPC",
    )


# AWS Config takes at most 1,024 characters of a rule's parameters: {"AuthorizedVpcIds": "vpc-...,vpc-..."}
# holds 45 ids of 21 characters (tests/constructs/test_account_baseline.py).
MOST_AUTHORIZED_VPCS = 45


class ConfigRecording(Model):
    """AWS Config: every supported resource type recorded, global types in the home region only, and the
    HIPAA pack's rules with the parameters this platform can state."""

    authorized_tcp_ports: tuple[Annotated[int, Field(ge=1, le=65535)], ...] = Field(
        (443,),
        description="ports a security group may open to the internet (vpc-sg-open-only-to-authorized-ports): "
        "the load balancers' HTTPS listener",
    )
    authorized_vpc_ids: tuple[Annotated[str, Field(pattern=r"^vpc-[0-9a-f]{8,17}$")], ...] = Field(
        (),
        max_length=MOST_AUTHORIZED_VPCS,
        description="VPCs that may have an internet gateway (internet-gateway-authorized-vpc-only): the stages' "
        "VPCs, known once their networking layers are applied; empty leaves the rule's default (none)",
    )


class MailDomain(Model):
    """An SES domain identity of the account (one per domain, account and region); stages send through it."""

    domain: str = Field(pattern=DOMAIN, description="verified with DKIM")
    mail_from_subdomain: str = Field(
        "mail", pattern=r"^[a-z0-9-]+$", description="custom MAIL FROM <subdomain>.<domain>, for SPF alignment"
    )


class AccountBaseline(Model):
    """What one AWS account carries once: its trail, threat detection, configuration recording and
    rules, IAM Access Analyzer, account-wide settings, the GitHub OIDC provider, its mail identities
    and its Session Manager preferences."""

    name: Name = Field(description="account name; environments name it with `account:`")
    name_prefix: Name = Field(description="prefix for the baseline's resource names")
    region: Region = Field(description="home region: the trail's, and where Config records global types")
    tags: Tags
    state: State
    security_contact: str = Field(
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="receives DMARC reports of the mail domains"
    )
    evidence_key_alias: str = Field(
        pattern=KEY_ALIAS, description="the baseline's own key: trail log files, Config deliveries, session records"
    )
    cloudtrail: CloudTrail = CloudTrail()
    guardduty: GuardDuty = GuardDuty()
    config: ConfigRecording = ConfigRecording()
    password_policy: PasswordPolicy = PasswordPolicy()
    session_log_retention_days: int = Field(
        2557, description="how long Session Manager's records of every session in the account are kept"
    )
    mail_domains: tuple[MailDomain, ...] = ()

    @field_validator("session_log_retention_days")
    @classmethod
    def _session_retention(cls, value: int) -> int:
        return check_retention(value)

    @model_validator(mode="after")
    def _one_identity_per_domain(self) -> AccountBaseline:
        domains = [m.domain for m in self.mail_domains]
        twice = sorted({d for d in domains if domains.count(d) > 1})
        if twice:
            raise ValueError(f"mail_domains: {twice[0]!r} is listed twice; an account holds one identity per domain")
        return self

    @model_validator(mode="after")
    def _runtime_agent_has_a_home(self) -> AccountBaseline:
        if self.guardduty.runtime_monitoring and self.region not in GUARDDUTY_FARGATE_AGENT_ACCOUNTS:
            raise ValueError(
                f"guardduty.runtime_monitoring: the project knows no GuardDuty agent repository in {self.region}; "
                f"allowed regions: {listed(tuple(GUARDDUTY_FARGATE_AGENT_ACCOUNTS))} (add the region's account "
                "from AWS's table, with the date read)"
            )
        return self

    def mail_domain(self, domain: str) -> MailDomain | None:
        return next((m for m in self.mail_domains if m.domain == domain), None)
