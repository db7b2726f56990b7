"""The platform's customer-managed keys: the default key and one per configured purpose, each with
a key policy that names the AWS services allowed to use it."""

from __future__ import annotations

from constructs import Construct

from hipaa_platform.config import DEFAULT_KEY, Environment
from modules.shared.iam import Statement, policy_document
from modules.shared.kms_key import CustomerManagedKey


def key_policy(services: tuple[str, ...], *grants: Statement, account: str, partition: str, region: str) -> str:
    """The account administers the key; `grants` and the listed AWS services use it."""
    source_account = {"StringEquals": {"aws:SourceAccount": account}}
    trails = f"arn:{partition}:cloudtrail:*:{account}:trail/*"
    by_service = {
        "logs": Statement(
            sid="CloudWatchLogsEncryptsLogGroups",
            principals={"Service": f"logs.{region}.amazonaws.com"},
            actions=("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"),
            resources=("*",),
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": (f"arn:{partition}:logs:{region}:{account}:log-group:*")
                }
            },
        ),
        "cloudwatch": Statement(
            sid="CloudWatchAlarmsPublishToEncryptedTopics",
            principals={"Service": "cloudwatch.amazonaws.com"},
            actions=("kms:Decrypt", "kms:GenerateDataKey*"),
            resources=("*",),
            conditions=source_account,
        ),
        "cloudtrail": Statement(
            sid="CloudTrailEncryptsTrail",
            principals={"Service": "cloudtrail.amazonaws.com"},
            actions=("kms:GenerateDataKey*", "kms:DescribeKey"),
            resources=("*",),
            conditions={
                **source_account,
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trails},
            },
        ),
        "events": Statement(
            sid="EventBridgeDeliversToEncryptedTargets",
            principals={"Service": "events.amazonaws.com"},
            actions=("kms:Decrypt", "kms:GenerateDataKey"),
            resources=("*",),
            conditions=source_account,
        ),
        # Decrypts objects for CloudFront distributions of this account (origin access control); each
        # bucket policy admits only its own distribution.
        "cloudfront": Statement(
            sid="CloudFrontDecryptsThroughOriginAccessControl",
            principals={"Service": "cloudfront.amazonaws.com"},
            actions=("kms:Decrypt",),
            resources=("*",),
            conditions={"StringLike": {"aws:SourceArn": f"arn:{partition}:cloudfront::{account}:distribution/*"}},
        ),
        # Fargate encrypts tasks' ephemeral storage with a data key and grants itself Decrypt, only for
        # clusters of this account (ECS puts the cluster in the encryption context).
        "fargate": (
            Statement(
                sid="FargateEncryptsEphemeralStorage",
                principals={"Service": "fargate.amazonaws.com"},
                actions=("kms:GenerateDataKeyWithoutPlaintext",),
                resources=("*",),
                conditions={"StringEquals": {"kms:EncryptionContext:aws:ecs:clusterAccount": account}},
            ),
            Statement(
                sid="FargateGrantsItselfDecrypt",
                principals={"Service": "fargate.amazonaws.com"},
                actions=("kms:CreateGrant",),
                resources=("*",),
                conditions={
                    "StringEquals": {"kms:EncryptionContext:aws:ecs:clusterAccount": account},
                    "ForAllValues:StringEquals": {"kms:GrantOperations": "Decrypt"},
                },
            ),
        ),
        "ses": Statement(
            sid="SesPublishesToEncryptedTopics",
            principals={"Service": "ses.amazonaws.com"},
            actions=("kms:Decrypt", "kms:GenerateDataKey"),
            resources=("*",),
            conditions=source_account,
        ),
        "sns": Statement(
            sid="SnsDeliversToEncryptedQueues",
            principals={"Service": "sns.amazonaws.com"},
            actions=("kms:Decrypt", "kms:GenerateDataKey"),
            resources=("*",),
            conditions=source_account,
        ),
    }
    return policy_document(
        Statement(
            sid="AccountAdministers",
            principals={"AWS": f"arn:{partition}:iam::{account}:root"},
            actions=("kms:*",),
            resources=("*",),
        ),
        *grants,
        *(statement for service in services for statement in _statements(by_service[service])),
    )


def _statements(granted: Statement | tuple[Statement, ...]) -> tuple[Statement, ...]:
    return granted if isinstance(granted, tuple) else (granted,)


class PlatformKeys(Construct):
    """Key ARN by purpose (`arns`): the default key, then one key per `security.keys` entry."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        environment: Environment,
        task_role_arns: list[str],
        account: str,
        partition: str,
        grants: dict[str, tuple[Statement, ...]] | None = None,
    ) -> None:
        """`grants`: further key-policy statements by key purpose."""
        super().__init__(scope, id)
        grants = grants or {}
        security = environment.security
        where = {"account": account, "partition": partition, "region": environment.region}
        default = CustomerManagedKey(
            self,
            "phi-key",
            alias=security.kms_key_alias,
            description=f"{environment.application} default key (whatever names no other purpose)",
            deletion_window_days=security.kms_deletion_window_days,
            policy=key_policy(
                security.default_key_services,
                Statement(
                    sid="TaskRolesUseForPhiFields",
                    principals={"AWS": task_role_arns},
                    actions=("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"),
                    resources=("*",),
                ),
                *grants.get(DEFAULT_KEY, ()),
                **where,
            ),
        )
        self.arns = {DEFAULT_KEY: default.arn}
        for spec in security.keys:
            key = CustomerManagedKey(
                self,
                f"{spec.purpose}-key",
                alias=spec.alias,
                description=f"{environment.application} {spec.purpose} key",
                deletion_window_days=security.kms_deletion_window_days,
                policy=key_policy(spec.allow_services, *grants.get(spec.purpose, ()), **where),
            )
            self.arns[spec.purpose] = key.arn
