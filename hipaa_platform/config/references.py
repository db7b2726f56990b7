"""The names a service may use for values the platform creates (secrets, buckets, the database)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# The secret source a container may name besides security.parameters and security.secrets: the
# master-credentials secret RDS manages (`@database:password`). The cache has no secret: its
# clients authenticate with IAM.
DATABASE_SECRET = "@database"
# An environment value naming a bucket of data.buckets: its name, which carries the account id.
BUCKET_REFERENCE = "@bucket:"
# Environment values the data layer knows once the database or data.redis exists: endpoint host and port.
DATABASE_ENDPOINT_VALUES = ("@database:host", "@database:port")
CACHE_ENDPOINT_VALUES = ("@cache:host", "@cache:port")


class GrantKind(StrEnum):
    """What a task-role grant's resource reference (`<kind>:<name>[/<suffix>]`) may name; the config
    checks each name against what the file declares, the data layer turns it into an ARN."""

    QUEUE = "queue"
    BUCKET = "bucket"  # bucket:<name>[/<key pattern>]
    TABLE = "table"  # table:<name>[/index/*]
    KEY = "key"  # key:<purpose>
    BUS = "bus"
    CACHE = "cache"
    CACHE_USER = "cacheuser"
    TOPIC = "topic"
    SECRET = "secret"
    DATABASE_USER = "dbuser"  # dbuser:<database user>; users live in the database, not in this file


@dataclass(frozen=True)
class GrantReference:
    kind: GrantKind
    name: str
    suffix: str | None  # what follows the name after '/'

    @classmethod
    def parse(cls, reference: str) -> GrantReference:
        kind, _, rest = reference.partition(":")
        name, slash, suffix = rest.partition("/")
        return cls(GrantKind(kind), name, suffix if slash else None)
