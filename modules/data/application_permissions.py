"""A service's application permissions (task role) on the data it uses: read and write on its
buckets, sending mail as the environment's sender, and its own grants, whose resources are
references to the data layer's stores (the syntax is in config.Grant)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from constructs import Construct

from hipaa_platform.config import Service
from hipaa_platform.config.references import GrantKind, GrantReference
from modules.shared.iam import Statement, policy_document
from modules.shared.role_policy import role_policy


@dataclass(frozen=True)
class DataStores:
    """The ARN of each store a grant can name, by kind and name."""

    buckets: Mapping[str, str]
    bucket_keys: Mapping[str, str]  # the key each bucket's objects are encrypted with, by bucket name
    tables: Mapping[str, str]
    queues: Mapping[str, str]
    topics: Mapping[str, str]
    secrets: Mapping[str, str]
    key: Callable[[str], str]
    bus: str | None
    cache: str | None
    cache_users: Mapping[str, str]
    database_users: str  # `arn:...:dbuser:<resource id>`, a user's name follows after `/`
    mail_identity: str | None
    mail_sender: str | None

    def arn(self, reference: str) -> str:
        """The ARN a grant's resource reference names."""
        if reference == "*":
            return "*"
        ref = GrantReference.parse(reference)
        match ref.kind:
            case GrantKind.KEY:
                return self.key(ref.name)
            case GrantKind.DATABASE_USER:
                return f"{self.database_users}/{reference.partition(':')[2]}"
            case GrantKind.CACHE_USER:
                return self.cache_users[ref.name]
            case GrantKind.SECRET:
                return self.secrets[ref.name]
            case GrantKind.BUS | GrantKind.CACHE:
                arn = self.bus if ref.kind is GrantKind.BUS else self.cache
            case GrantKind.QUEUE | GrantKind.BUCKET | GrantKind.TABLE | GrantKind.TOPIC:
                stores = {GrantKind.QUEUE: self.queues, GrantKind.BUCKET: self.buckets, GrantKind.TABLE: self.tables,
                          GrantKind.TOPIC: self.topics}  # fmt: skip
                arn = stores[ref.kind][ref.name]
        return f"{arn}/{ref.suffix}" if ref.suffix is not None else arn


def application_permissions(
    scope: Construct, service: Service, *, stores: DataStores, role_name: str, region: str
) -> None:
    """The service's task-role policy; none when it uses no store."""
    statements = []
    if service.bucket_access:
        granted = [stores.buckets[name] for name in service.bucket_access]
        statements += [
            Statement(
                sid="ReadWriteObjects",
                actions=("s3:PutObject", "s3:GetObject", "s3:DeleteObject"),
                resources=tuple(f"{arn}/*" for arn in granted),
            ),
            Statement(sid="ListBuckets", actions=("s3:ListBucket",), resources=tuple(granted)),
            # SSE-KMS: writing an object needs a data key from the bucket's key, reading it needs a decrypt.
            Statement(
                sid="UseBucketKeys",
                actions=("kms:Decrypt", "kms:GenerateDataKey"),
                resources=tuple(dict.fromkeys(stores.bucket_keys[name] for name in service.bucket_access)),
                conditions={"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            ),
        ]
    if service.sends_mail == "api":
        statements.append(
            Statement(
                sid="SendMailAsTheSender",
                actions=("ses:SendEmail", "ses:SendRawEmail"),
                resources=(stores.mail_identity,),
                conditions={"StringEquals": {"ses:FromAddress": stores.mail_sender}},
            )
        )
    statements += [
        Statement(
            sid=grant.sid,
            actions=grant.actions,
            resources=tuple(stores.arn(reference) for reference in grant.resources),
            conditions=grant.conditions,
        )
        for grant in service.permissions
    ]
    if not statements:
        return
    only_buckets = not service.permissions and service.sends_mail != "api"
    role_policy(
        scope,
        f"task-buckets-{service.container_name}" if only_buckets else f"task-{service.container_name}",
        name="application-buckets" if only_buckets else "application-permissions",
        role=role_name,
        policy=policy_document(*statements),
    )
