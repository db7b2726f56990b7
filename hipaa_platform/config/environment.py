"""One deployable environment: every section of its file, checked together."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from hipaa_platform.config.account import AccountBaseline, Region
from hipaa_platform.config.base import Model, Name
from hipaa_platform.config.checks import check_all
from hipaa_platform.config.compute import Compute
from hipaa_platform.config.cost import Cost
from hipaa_platform.config.data import Data
from hipaa_platform.config.decisions import Decisions
from hipaa_platform.config.networking import Networking
from hipaa_platform.config.observability import Observability
from hipaa_platform.config.pipeline import Pipeline
from hipaa_platform.config.references import GrantKind
from hipaa_platform.config.security import DEFAULT_KEY, Security
from hipaa_platform.config.state import State
from hipaa_platform.config.tags import Tags


class Environment(Model):
    """One deployable environment: the whole platform for one system and stage."""

    name: Name = Field(description="environment name; prefixes state keys")
    name_prefix: Name = Field(description="prefix for AWS resource names")
    application: Name
    stage: Literal["dev", "staging", "prod"]
    region: Region
    account: Name = Field(description="the AWS account it runs in: accounts/<account>.yaml, its baseline")
    baseline: AccountBaseline = Field(description="the account file `account` names (filled in by the loader)")
    tags: Tags
    state: State
    networking: Networking
    security: Security
    data: Data
    compute: Compute
    pipeline: Pipeline
    observability: Observability
    decisions: Decisions = Decisions()
    cost: Cost = Cost()

    @property
    def edge_certificate_names(self) -> tuple[str, ...]:
        """Names CloudFront serves outside us-east-1; its certificate must come from us-east-1."""
        if self.region == "us-east-1":
            return ()
        return tuple(b.cdn.domain_name for b in self.data.buckets if b.cdn)

    @property
    def github_deploy_subject(self) -> str:
        """The OIDC subject the deploy role trusts: jobs of this environment's GitHub environment only,
        never every job on a branch another stage's role would trust too."""
        return f"repo:{self.pipeline.github_repository}:environment:{self.pipeline.github_environment or self.name}"

    def references(self) -> dict[GrantKind, tuple[str, ...]]:
        """What a task-role grant may name, by kind."""
        data = self.data
        return {
            GrantKind.QUEUE: tuple(q.name for q in data.queues),
            GrantKind.BUCKET: tuple(b.name for b in data.buckets),
            GrantKind.TABLE: tuple(t.name for t in data.tables),
            GrantKind.KEY: self.security.key_purposes,
            GrantKind.BUS: (data.event_bus.name,) if data.event_bus else (),
            GrantKind.CACHE: (data.cache_name,) if data.cache_name else (),
            GrantKind.CACHE_USER: data.cache_iam_users,
            GrantKind.TOPIC: tuple(t.name for t in data.topics),
            GrantKind.SECRET: tuple(s.name for s in self.security.secrets),
            GrantKind.DATABASE_USER: ("<database user>",) if data.aurora or data.database else (),
        }

    def key_services(self, purpose: str) -> tuple[str, ...]:
        """The AWS services the key of `purpose` admits."""
        if purpose == DEFAULT_KEY:
            return self.security.default_key_services
        return next(k.allow_services for k in self.security.keys if k.purpose == purpose)

    @model_validator(mode="before")
    @classmethod
    def _baseline_of_the_account(cls, data: object) -> object:
        """An environment validated from a document (not through the loader) reads its account file too."""
        if isinstance(data, dict) and "baseline" not in data and isinstance(data.get("account"), str):
            from hipaa_platform.config.loader import load_account

            return {**data, "baseline": load_account(data["account"]).model_dump(mode="json")}
        return data

    @model_validator(mode="after")
    def _sections_agree(self) -> Environment:
        """What one section declares, another may name (config.checks)."""
        check_all(self)
        return self
