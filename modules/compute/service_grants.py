"""Grants to a service's roles that belong with what the compute layer creates or reads: the
execution role pulls its own image, writes its own logs and reads the data layer's secrets its
containers name; with ECS Exec, the task role opens the SSM channel and writes the session log."""

from __future__ import annotations

from constructs import Construct

from hipaa_platform.config import Service
from hipaa_platform.contracts.security import SecurityOutputs
from modules.security.service_roles import EXECUTE_COMMAND_ACTIONS, PULL_IMAGE_ACTIONS
from modules.shared.iam import Statement, policy_document
from modules.shared.role_policy import role_policy


def pull_and_log_grant(
    scope: Construct,
    spec: Service,
    *,
    role_name: str,
    repository_arn: str,
    log_group_arns: list[str],
    runtime_agent_repository_arn: str | None = None,
) -> None:
    """`runtime_agent_repository_arn`: GuardDuty's agent, which GuardDuty adds to the service's tasks."""
    agent = (
        (
            Statement(
                sid="PullGuardDutyAgent",
                actions=PULL_IMAGE_ACTIONS,
                resources=(runtime_agent_repository_arn,),
            ),
        )
        if runtime_agent_repository_arn
        else ()
    )
    role_policy(
        scope,
        f"execution-pull-and-log-{spec.container_name}",
        name="pull-image-and-write-logs",
        role=role_name,
        policy=policy_document(
            Statement(sid="RegistryLogin", actions=("ecr:GetAuthorizationToken",), resources=("*",)),
            Statement(
                sid="PullOwnImage",
                actions=PULL_IMAGE_ACTIONS,
                resources=(repository_arn,),
            ),
            *agent,
            Statement(
                sid="WriteOwnLogs",
                actions=("logs:CreateLogStream", "logs:PutLogEvents"),
                resources=tuple(f"{arn}:*" for arn in log_group_arns),
            ),
        ),
    )


def data_secrets_grant(
    scope: Construct, spec: Service, *, role_name: str, secrets: dict[str, str], region: str
) -> None:
    """`secrets`: ARN -> its KMS key, for the data-layer secrets (@database) the containers name."""
    role_policy(
        scope,
        f"execution-data-secrets-{spec.container_name}",
        name="read-data-secrets",
        role=role_name,
        policy=policy_document(
            Statement(sid="ReadDataSecrets", actions=("secretsmanager:GetSecretValue",), resources=tuple(secrets)),
            Statement(
                sid="DecryptDataSecrets",
                actions=("kms:Decrypt",),
                resources=tuple(dict.fromkeys(secrets.values())),
                conditions={"StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}},
            ),
        ),
    )


def execute_command_grant(
    scope: Construct, spec: Service, *, role_name: str, session_log_arn: str | None, kms_key_arn: str
) -> None:
    """The SSM channel always; the session log and its key when sessions are logged."""
    statements = [Statement(sid="ExecuteCommandChannel", actions=EXECUTE_COMMAND_ACTIONS, resources=("*",))]
    if session_log_arn:
        statements += [
            Statement(sid="FindSessionLog", actions=("logs:DescribeLogGroups",), resources=("*",)),
            Statement(
                sid="WriteSessionLog",
                actions=("logs:CreateLogStream", "logs:PutLogEvents"),
                resources=(f"{session_log_arn}:*",),
            ),
            Statement(sid="DecryptSession", actions=("kms:Decrypt",), resources=(kms_key_arn,)),
        ]
    role_policy(
        scope,
        f"task-exec-{spec.container_name}",
        name="ecs-exec-sessions",
        role=role_name,
        policy=policy_document(*statements),
    )


def service_grants(
    scope: Construct,
    spec: Service,
    *,
    security: SecurityOutputs,
    repository_arn: str,
    log_group_arns: list[str],
    data_secrets: dict[str, str],
    region: str,
    session_log_arn: str | None,
    runtime_agent_repository_arn: str | None = None,
) -> None:
    """What the service's roles need of the compute layer's resources and of the data layer's secrets."""
    execution_role = security.execution_role_names[spec.name]
    pull_and_log_grant(
        scope,
        spec,
        role_name=execution_role,
        repository_arn=repository_arn,
        log_group_arns=log_group_arns,
        runtime_agent_repository_arn=runtime_agent_repository_arn if spec.capacity == "fargate" else None,
    )
    if data_secrets:
        data_secrets_grant(scope, spec, role_name=execution_role, secrets=data_secrets, region=region)
    if spec.enable_execute_command:
        execute_command_grant(
            scope,
            spec,
            role_name=security.task_role_names[spec.name],
            session_log_arn=session_log_arn,
            kms_key_arn=security.kms_key_arn,
        )
