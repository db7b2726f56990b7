"""What a service's containers are given: environment values with their references to the data
layer resolved (`@bucket:<name>`, `@database:host`, `@database:port`, `@cache:host`, `@cache:port`),
and the `valueFrom` ARN of each secret they name (a parameter, a secret, or the data layer's
`@database`)."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import Token

from hipaa_platform.config import (
    BUCKET_REFERENCE,
    CACHE_ENDPOINT_VALUES,
    DATABASE_ENDPOINT_VALUES,
    DATABASE_SECRET,
    Service,
)
from hipaa_platform.contracts.data import DataOutputs
from hipaa_platform.contracts.security import SecurityOutputs


@dataclass(frozen=True)
class PlatformSecret:
    """A secret the data layer keeps (the database's master credentials)."""

    arn: str
    key_arn: str


@dataclass(frozen=True)
class ContainerValues:
    bucket_names: dict[str, str]
    database_host: str
    database_port: str
    cache_host: str
    cache_port: str
    parameters: frozenset[str]
    parameter_arns: dict[str, str]
    secret_arns: dict[str, str]
    platform_secrets: dict[str, PlatformSecret]

    @classmethod
    def of(
        cls, data: DataOutputs, security: SecurityOutputs, parameters: frozenset[str], cache_port: int | None
    ) -> ContainerValues:
        """The values the data and security layers publish; `parameters`: the names in security.parameters;
        `cache_port`: data.redis's port, if any."""
        return cls(
            bucket_names=data.bucket_names,
            database_host=data.database_endpoint,
            database_port=Token.as_string(data.database_port),
            cache_host=data.cache_endpoint,
            cache_port=str(cache_port or ""),
            parameters=parameters,
            parameter_arns=security.parameter_arns,
            secret_arns=security.secret_arns,
            platform_secrets={
                DATABASE_SECRET: PlatformSecret(data.database_master_secret_arn, data.database_secret_key_arn),
            },
        )

    def environment(self, service: Service) -> dict[str, str]:
        host, port = DATABASE_ENDPOINT_VALUES
        cache_host, cache_port = CACHE_ENDPOINT_VALUES
        endpoints = {
            host: self.database_host,
            port: self.database_port,
            cache_host: self.cache_host,
            cache_port: self.cache_port,
        }
        return {
            variable: self.bucket_names[value.removeprefix(BUCKET_REFERENCE)]
            if value.startswith(BUCKET_REFERENCE)
            else endpoints.get(value, value)
            for variable, value in service.environment.items()
        }

    def secrets(self, service: Service) -> dict[str, str]:
        """Environment variable -> `valueFrom` (with `:<json key>::` for a key inside a secret)."""
        values = {}
        for variable, source in service.secrets.items():
            name, _, json_key = source.partition(":")
            values[variable] = (
                self.parameter_arns[name]
                if name in self.parameters
                else self._secret_arn(name) + (f":{json_key}::" if json_key else "")
            )
        return values

    def platform_secrets_named(self, service: Service) -> dict[str, str]:
        """The data layer's secrets a service's containers name: ARN -> the ARN of its key."""
        named = {source.split(":")[0] for source in service.secrets.values()}
        return {
            self.platform_secrets[name].arn: self.platform_secrets[name].key_arn
            for name in sorted(named & set(self.platform_secrets))
        }

    def _secret_arn(self, name: str) -> str:
        platform = self.platform_secrets.get(name)
        return platform.arn if platform else self.secret_arns[name]
