"""The two IAM roles of one ECS service, each bounded by the workload boundary when there is one:
the task role (what the application may do) and the execution role (what ECS needs to start it:
the service's own parameters and secrets; image pull and logs are granted by the compute layer)."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.building.tagging import ENVIRONMENT_TAG
from hipaa_platform.config import DATABASE_SECRET, Environment, Service
from modules.shared.iam import Statement, policy_document, service_trust
from modules.shared.role_policy import role_policy

# What ECS itself does with a task role once ECS Exec is on; part of every boundary.
EXECUTE_COMMAND_ACTIONS = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)
PLATFORM_SECRETS = {DATABASE_SECRET}
# What pulling an image from a repository takes, after the registry login.
PULL_IMAGE_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage")
# Platform grants of other layers (parameters, secrets, images, logs, metrics, PHI field encryption).
PLATFORM_ACTIONS = (
    "ssm:GetParameters",
    "secretsmanager:GetSecretValue",
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "ecr:GetAuthorizationToken",
    *PULL_IMAGE_ACTIONS,
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:DescribeLogGroups",
    "cloudwatch:PutMetricData",
    "s3:PutObject",
    "s3:GetObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "s3:GetEncryptionConfiguration",
)


def workload_boundary(
    scope: Construct, id: str, *, environment: Environment, namer: Namer, account: str, partition: str
) -> str:
    """The most any workload role can ever do: the actions its grants use, and nothing else; key
    actions only on this environment's own keys (CKV_HIPAA_6: never decrypt with every key)."""
    granted = {action for s in environment.compute.services for grant in s.permissions for action in grant.actions}
    actions = granted | set(PLATFORM_ACTIONS) | set(EXECUTE_COMMAND_ACTIONS)
    key_actions = {action for action in actions if action.lower().startswith("kms:")}
    boundary = IamPolicy(
        scope,
        id,
        name=namer.name("workload-boundary"),
        description="Permission boundary of every ECS task and execution role",
        policy=policy_document(
            Statement(sid="WorkloadActionsOnly", actions=tuple(sorted(actions - key_actions)), resources=("*",)),
            # The environment's keys carry its tag (provider default tags); other stages' keys in a
            # shared account do not.
            Statement(
                sid="OwnKeysOnly",
                actions=tuple(sorted(key_actions)),
                resources=(f"arn:{partition}:kms:{environment.region}:{account}:key/*",),
                conditions={"StringEquals": {f"aws:ResourceTag/{ENVIRONMENT_TAG}": environment.name}},
            ),
            Statement(
                sid="NeverManageIdentityOrKeys",
                effect="Deny",
                actions=(
                    "iam:*",
                    "organizations:*",
                    "kms:ScheduleKeyDeletion",
                    "kms:PutKeyPolicy",
                    "kms:DisableKey",
                    "cloudtrail:StopLogging",
                    "cloudtrail:DeleteTrail",
                ),
                resources=("*",),
            ),
        ),
    )
    return boundary.arn


class ServiceRoles(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        service: Service,
        environment: Environment,
        namer: Namer,
        account: str,
        partition: str,
        boundary: str | None,
    ) -> None:
        super().__init__(scope, id)
        self.service, self.environment = service, environment
        name = service.container_name
        self.task = IamRole(
            self,
            "task-role",
            name=namer.for_service(name, "ecs-task-role"),
            description=f"Application permissions of {service.name} tasks",
            assume_role_policy=service_trust(
                "ecs-tasks.amazonaws.com",
                account_id=account,
                source_arn=f"arn:{partition}:ecs:{environment.region}:{account}:*",
            ),
            permissions_boundary=boundary,
        )
        self.execution = IamRole(
            self,
            "execution-role",
            name=namer.for_service(name, "ecs-execution-role"),
            description=f"What ECS needs to start {service.name} tasks: image pull, logs, secrets",
            assume_role_policy=service_trust("ecs-tasks.amazonaws.com", account_id=account),
            permissions_boundary=boundary,
        )

    def grant_phi_encryption_and_metrics(self, default_key: str) -> None:
        role_policy(
            self,
            "task-kms-metrics",
            name="phi-field-encryption-and-metrics",
            role=self.task.id,
            policy=policy_document(
                Statement(
                    sid="PhiFieldEncryption",
                    actions=("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"),
                    resources=(default_key,),
                ),
                Statement(
                    sid="PublishApplicationMetrics",
                    actions=("cloudwatch:PutMetricData",),
                    resources=("*",),
                    conditions={"StringEquals": {"cloudwatch:namespace": self.environment.application}},
                ),
            ),
        )

    def grant_own_secrets(self, source_arns: dict[str, str], secret_keys: dict[str, str], default_key: str) -> None:
        """The execution role reads the parameters and secrets its containers name, and nothing else."""
        env, service = self.environment, self.service
        # The secret of a later layer (@database) is granted there, beside what it names.
        sources = sorted({source.split(":")[0] for source in service.secrets.values()} - PLATFORM_SECRETS)
        if not sources:
            return
        parameters = [name for name in sources if name in env.security.parameters]
        secrets = [name for name in sources if name not in env.security.parameters]
        statements = []
        if parameters:
            statements += [
                Statement(
                    sid="ReadOwnParameters",
                    actions=("ssm:GetParameters",),
                    resources=tuple(source_arns[name] for name in parameters),
                ),
                Statement(
                    sid="DecryptParametersThroughSsm",
                    actions=("kms:Decrypt",),
                    resources=(default_key,),
                    conditions={"StringEquals": {"kms:ViaService": f"ssm.{env.region}.amazonaws.com"}},
                ),
            ]
        if secrets:
            statements += [
                Statement(
                    sid="ReadSecrets",
                    actions=("secretsmanager:GetSecretValue",),
                    resources=tuple(source_arns[name] for name in secrets),
                ),
                Statement(
                    sid="DecryptSecrets",
                    actions=("kms:Decrypt",),
                    resources=tuple(dict.fromkeys(secret_keys[name] for name in secrets)),
                    conditions={"StringEquals": {"kms:ViaService": f"secretsmanager.{env.region}.amazonaws.com"}},
                ),
            ]
        role_policy(
            self,
            "execution-secrets",
            name="read-secure-parameters" if not secrets else "read-secrets",
            role=self.execution.id,
            policy=policy_document(*statements),
        )
