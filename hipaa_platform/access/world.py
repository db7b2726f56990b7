"""The six synthesized layers of one environment read as one account: every `${...}` reference
resolved, across layers too (remote-state outputs are followed to the layer that publishes them),
to the value AWS would give it. ARNs follow AWS's formats, with a stand-in account id and the
resource's own name, so that policies written with literal ARNs (a bucket policy's
`arn:aws:s3:::<name>/<prefix>/*`) match the resources they mean."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from hipaa_platform.gate.scan import provider_regions

ACCOUNT = "111122223333"
# Elastic Load Balancing's account per region, for access logs written by older regions' rules
# (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html, read 2026-12-07).
ELB_ACCOUNTS = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "ca-central-1": "985666609251",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-central-1": "054676820928",
    "ap-southeast-2": "783225319266",
}
_REFERENCE = re.compile(r"\$\{([^{}]+)\}")
_PATH = re.compile(r"^[A-Za-z0-9_.\[\]-]+$")


@dataclass(frozen=True)
class Resource:
    layer: str
    type: str
    name: str
    config: Mapping[str, Any]

    @property
    def address(self) -> str:
        return f"{self.layer}/{self.type}.{self.name}"


class World:
    """The layers of one environment, resolved on demand."""

    def __init__(self, stacks: Mapping[str, Mapping], region: str, account: str = ACCOUNT) -> None:
        self.stacks, self.region, self.account = stacks, region, account

    def resources(self, resource_type: str) -> Iterator[Resource]:
        for layer, stack in self.stacks.items():
            for name, config in stack.get("resource", {}).get(resource_type, {}).items():
                yield Resource(layer, resource_type, name, config)

    def resource(self, layer: str, resource_type: str, name: str) -> Resource:
        return Resource(layer, resource_type, name, self.stacks[layer]["resource"][resource_type][name])

    def value(self, resource: Resource, attribute: str) -> Any:
        """A resource's argument with its references resolved."""
        return self.resolve(resource.config.get(attribute), resource.layer)

    # -- references ---------------------------------------------------------------------------------
    def resolve(self, value: Any, layer: str) -> Any:
        if isinstance(value, str):
            whole = _REFERENCE.fullmatch(value)
            if whole:
                return self._expression(whole.group(1), layer)
            return _REFERENCE.sub(lambda m: _text(self._expression(m.group(1), layer)), value)
        if isinstance(value, list):
            return [self.resolve(v, layer) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v, layer) for k, v in value.items() if k != "//"}
        return value

    def _expression(self, expression: str, layer: str) -> Any:
        if not _PATH.match(expression):
            return f"<{expression}>"  # a function call: never an ARN a policy could match
        parts = [p for p in re.split(r"\.|\[(\d+)\]", expression) if p]
        if parts[0] == "data" and parts[1] == "terraform_remote_state":
            source = parts[2]
            value: Any = self.resolve(self.stacks[source].get("output", {}).get(parts[4], {}).get("value"), source)
            for key in parts[5:]:
                value = value[int(key)] if isinstance(value, list) else (value or {}).get(key)
            return value
        if parts[0] == "data":
            return self._data_source(parts[1], parts[2], ".".join(parts[3:]), layer)
        resource = self.resource(layer, parts[0], parts[1])
        return self._attribute(resource, ".".join(parts[2:]))

    def _data_source(self, data_type: str, name: str, attribute: str, layer: str) -> Any:
        if data_type == "aws_caller_identity":
            return self.account
        if data_type == "aws_partition":
            return "aws"
        if data_type == "aws_region":
            return self.region
        if data_type == "aws_elb_service_account":
            return f"arn:aws:iam::{ELB_ACCOUNTS[self.region]}:root"
        if data_type == "aws_iam_openid_connect_provider" and attribute == "arn":
            return f"arn:aws:iam::{self.account}:oidc-provider/token.actions.githubusercontent.com"
        if data_type == "aws_kms_key" and attribute == "arn":
            key = self._key_by_alias(self.stacks[layer]["data"][data_type][name].get("key_id"))
            if key is not None:
                return self.arn(key)
        return f"<data.{data_type}.{name}.{attribute}>"

    def _key_by_alias(self, alias_name: str | None) -> Resource | None:
        """The key an alias of the world names (a layer reading its account baseline's key by alias)."""
        for alias in self.resources("aws_kms_alias"):
            if self.value(alias, "name") == alias_name:
                target = alias.config.get("target_key_id", "")
                return next((k for k in self.resources("aws_kms_key") if f"aws_kms_key.{k.name}." in target), None)
        return None

    def _attribute(self, resource: Resource, attribute: str) -> Any:
        kind, config = resource.type, resource.config
        if attribute == "arn" or (attribute == "id" and kind in _ID_IS_ARN):
            return self.arn(resource)
        if attribute in ("id", "name") and kind in _ID_IS_NAME:
            return self.resolve(config.get(_ID_IS_NAME[kind]), resource.layer) or resource.name
        if attribute in ("key_id", "id") and kind == "aws_kms_key":
            return f"key-{resource.layer}-{resource.name}"
        if attribute == "repository_url":
            return f"{self.account}.dkr.ecr.{self._region_of(resource)}.amazonaws.com/{self.value(resource, 'name')}"
        if attribute in ("url", "id") and kind == "aws_sqs_queue":
            return (
                f"https://sqs.{self._region_of(resource)}.amazonaws.com/{self.account}/{self.value(resource, 'name')}"
            )
        if attribute == "master_user_secret.0.secret_arn":
            return self._arn("secretsmanager", resource, f"secret:rds!{resource.name}-AbCdEf")
        if attribute in config:
            return self.resolve(config[attribute], resource.layer)
        return f"<{resource.type}.{resource.name}.{attribute}>"

    def tags(self, resource: Resource) -> dict[str, str]:
        """The resource's tags, its provider's default tags included (as AWS stores them)."""
        tags: dict[str, str] = {}
        for provider in self.stacks[resource.layer].get("provider", {}).get("aws", []):
            if provider.get("alias") is None or resource.config.get("provider", "").endswith(f".{provider['alias']}"):
                for default in provider.get("default_tags", []):
                    tags.update(default.get("tags", {}))
        tags.update(self.value(resource, "tags") or {})
        return tags

    def _region_of(self, resource: Resource) -> str:
        alias = resource.config.get("provider")
        return (alias and provider_regions(self.stacks[resource.layer]).get(alias)) or self.region

    def _arn(self, service: str, resource: Resource, rest: str, *, regional: bool = True) -> str:
        return f"arn:aws:{service}:{self._region_of(resource) if regional else ''}:{self.account}:{rest}"

    def arn(self, resource: Resource) -> str:
        name = lambda attribute="name": self.value(resource, attribute)  # noqa: E731
        kind = resource.type
        if kind == "aws_s3_bucket":
            return f"arn:aws:s3:::{name('bucket')}"
        if kind == "aws_iam_role":
            return f"arn:aws:iam::{self.account}:role{name('path') or '/'}{name()}"
        if kind == "aws_iam_policy":
            return f"arn:aws:iam::{self.account}:policy{name('path') or '/'}{name()}"
        if kind == "aws_iam_openid_connect_provider":
            return f"arn:aws:iam::{self.account}:oidc-provider/token.actions.githubusercontent.com"
        if kind == "aws_cloudfront_distribution":
            return f"arn:aws:cloudfront::{self.account}:distribution/E{resource.name.upper().replace('-', '')}"
        formats = {
            "aws_kms_key": ("kms", lambda: f"key/key-{resource.layer}-{resource.name}"),
            "aws_sqs_queue": ("sqs", lambda: name()),
            "aws_sns_topic": ("sns", lambda: name()),
            "aws_secretsmanager_secret": ("secretsmanager", lambda: f"secret:{name()}-AbCdEf"),
            "aws_cloudwatch_log_group": ("logs", lambda: f"log-group:{name()}"),
            "aws_dynamodb_table": ("dynamodb", lambda: f"table/{name()}"),
            "aws_ecr_repository": ("ecr", lambda: f"repository/{name()}"),
            "aws_ecs_cluster": ("ecs", lambda: f"cluster/{name()}"),
            "aws_ecs_service": ("ecs", lambda: f"service/{str(name('cluster')).rpartition('/')[2]}/{name()}"),
            "aws_ecs_task_definition": ("ecs", lambda: f"task-definition/{name('family')}:1"),
            "aws_cloudtrail": ("cloudtrail", lambda: f"trail/{name()}"),
            "aws_lb": ("elasticloadbalancing", lambda: f"loadbalancer/app/{name()}/0123456789abcdef"),
            "aws_backup_vault": ("backup", lambda: f"backup-vault:{name()}"),
            "aws_db_instance": ("rds", lambda: f"db:{name('identifier')}"),
            "aws_rds_cluster": ("rds", lambda: f"cluster:{name('cluster_identifier')}"),
            "aws_wafv2_web_acl": ("wafv2", lambda: f"regional/webacl/{name()}/0123"),
            "aws_codebuild_project": ("codebuild", lambda: f"project/{name()}"),
            "aws_elasticache_replication_group": (
                "elasticache",
                lambda: f"replicationgroup:{name('replication_group_id')}",
            ),
        }
        service, rest = formats.get(kind, (kind.removeprefix("aws_"), lambda: f"{resource.layer}/{resource.name}"))
        return self._arn(service, resource, rest())


# Resources whose `id` (and `name`) is one of their arguments, and which argument.
_ID_IS_NAME = {
    "aws_s3_bucket": "bucket",
    "aws_iam_role": "name",
    "aws_iam_policy": "name",
    "aws_cloudwatch_log_group": "name",
    "aws_ecr_repository": "name",
    "aws_ecs_cluster": "name",
    "aws_backup_vault": "name",
    "aws_db_instance": "identifier",
    "aws_rds_cluster": "cluster_identifier",
    "aws_dynamodb_table": "name",
}
_ID_IS_ARN = {
    "aws_sns_topic",
    "aws_secretsmanager_secret",
    "aws_ecs_service",
    "aws_ecs_task_definition",
    "aws_iam_openid_connect_provider",
    "aws_cloudtrail",
}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)
