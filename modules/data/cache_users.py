"""The users of a Redis cache that authenticates with IAM: the mandatory `default` user, switched
off, and one IAM-authenticated user per client, made in the cache's own scope (their addresses are
the cache's), and the user group that holds them."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.elasticache_user import ElasticacheUser
from cdktf_cdktf_provider_aws.elasticache_user_group import ElasticacheUserGroup
from constructs import Construct


class CacheUsers:
    def __init__(self, scope: Construct, *, default_user_id: str, names: Sequence[str]) -> None:
        self.scope = scope
        self.disabled_default = ElasticacheUser(
            scope,
            "default-user",
            user_id=default_user_id,
            user_name="default",
            engine="REDIS",
            access_string="off -@all",
            authentication_mode={"type": "no-password-required"},
        )
        # For IAM authentication the user id and the user name must be equal.
        self.users = {
            name: ElasticacheUser(
                scope,
                f"user-{name}",
                user_id=name,
                user_name=name,
                engine="REDIS",
                access_string="on ~* +@all -@dangerous",
                authentication_mode={"type": "iam"},
            )
            for name in names
        }

    def group(self, user_group_id: str) -> ElasticacheUserGroup:
        """The user group of all of them, for a target that can create one."""
        return ElasticacheUserGroup(
            self.scope,
            "users",
            user_group_id=user_group_id,
            engine="REDIS",
            user_ids=[self.disabled_default.user_id, *(u.user_id for u in self.users.values())],
        )
