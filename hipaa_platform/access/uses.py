"""What an environment declares its principals use: every request that must succeed for it to
serve. Read from the environment file (a service's buckets and grants, its static sites) and from
what the synthesized layers wire together (a task definition's image, log group and secrets; a
distribution's origin; a trail's bucket, key and log group; a flow log's role; a load balancer's
access-log bucket; a backup selection's resources)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from hipaa_platform.access.model import AccessModel
from hipaa_platform.access.world import ELB_ACCOUNTS
from hipaa_platform.config import Environment, Service

SAMPLE = "sample"  # an object key, log stream or suffix a request names where the policy has a wildcard
PUSH_IMAGE = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
)
PULL_IMAGE = ("ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage")


@dataclass(frozen=True)
class Use:
    who: str  # a role's ARN, a service principal, or another account's root
    action: str
    resource: str
    why: str
    context: dict = field(default_factory=dict, hash=False, compare=False)
    implied_keys: bool = True  # False: the caller names its own key (CloudTrail), checked as a use of its own


class DeclaredUses:
    def __init__(self, env: Environment, model: AccessModel) -> None:
        self.env, self.model, self.world = env, model, model.world
        self.uses: list[Use] = []
        self.not_evaluated: list[str] = []
        for build in (
            self._tasks,
            self._services,
            self._releases,
            self._distributions,
            self._trails,
            self._flow_logs,
            self._load_balancers,
            self._server_access_logs,
            self._encrypted_log_groups,
            self._backups,
            self._pipelines,
            self._sessions,
            self._configuration_recording,
        ):
            build()

    def __iter__(self) -> Iterator[Use]:
        return iter(self.uses)

    def _add(self, who: str, actions, resource: str, why: str, **kwargs) -> None:
        for action in (actions,) if isinstance(actions, str) else actions:
            self.uses.append(Use(who, action, resource, why, **kwargs))

    def output(self, layer: str, output: str, key: str | None = None):
        """A layer's published output (a key of it for a map), resolved."""
        reference = f"${{data.terraform_remote_state.{layer}.outputs.{output}{'.' + key if key else ''}}}"
        return self.world.resolve(reference, "observability")

    def _arn(self, service: str, rest: str) -> str:
        return f"arn:aws:{service}:{self.env.region}:{self.world.account}:{rest}"

    # -- what the layers wire together -------------------------------------------------------------
    def _tasks(self) -> None:
        world = self.world
        for task in world.resources("aws_ecs_task_definition"):
            family = world.value(task, "family")
            execution = world.value(task, "execution_role_arn")
            for container in json.loads(world.value(task, "container_definitions")):
                why = f"task {family}, container {container['name']}"
                registry, _, path = container["image"].partition("/")
                if registry.startswith(f"{world.account}.dkr.ecr."):
                    repository = path.split("@")[0].split(":")[0]
                    self._add(execution, "ecr:GetAuthorizationToken", "*", f"{why}: registry login")
                    self._add(execution, PULL_IMAGE, self._arn("ecr", f"repository/{repository}"), f"{why}: image")
                logs = container.get("logConfiguration", {})
                if logs.get("logDriver") == "awslogs":
                    group = self._arn("logs", f"log-group:{logs['options']['awslogs-group']}")
                    self._delivers_to_log_group(execution, group, f"{why}: its log group")
                for secret in container.get("secrets", []):
                    source = secret["valueFrom"]
                    if source.startswith("arn:aws:secretsmanager:"):
                        arn = ":".join(source.split(":")[:7])
                        self._add(execution, "secretsmanager:GetSecretValue", arn, f"{why}: secret {secret['name']}")
                    else:
                        self._add(execution, "ssm:GetParameters", source, f"{why}: parameter {secret['name']}")

    def _encrypted_log_groups(self) -> None:
        for group in self.world.resources("aws_cloudwatch_log_group"):
            arn = self.world.arn(group)
            key = self.model.encryption.get(arn)
            if key:
                context = {"kms:EncryptionContext:aws:logs:arn": arn}
                self._add(
                    f"logs.{self.env.region}.amazonaws.com",
                    ("kms:GenerateDataKey", "kms:Decrypt"),
                    key,
                    f"CloudWatch Logs encrypts {group.address}",
                    context=context,
                )

    # -- what the environment file declares --------------------------------------------------------
    def task_role(self, service: Service) -> str:
        return self.output("security", "task_role_arns", service.name)

    def _services(self) -> None:
        for service in self.env.compute.services:
            role, why = self.task_role(service), f"service {service.name}"
            for bucket in service.bucket_access:
                arn = self.output("data", "bucket_arns", bucket)
                self._add(
                    role,
                    ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
                    f"{arn}/{SAMPLE}",
                    f"{why}: bucket_access {bucket}",
                )
                self._add(role, "s3:ListBucket", arn, f"{why}: bucket_access {bucket}")
            for grant in service.permissions:
                for reference in grant.resources:
                    arn = self._reference(reference)
                    if arn is None:
                        self.not_evaluated.append(
                            f"{why}: grant {grant.sid} on {reference} (no policy or key of its own to evaluate)"
                        )
                        continue
                    self._add(
                        role,
                        grant.actions,
                        arn.replace("*", SAMPLE),
                        f"{why}: grant {grant.sid}",
                        context=_grant_context(grant.conditions),
                    )

    def _reference(self, reference: str) -> str | None:
        kind, _, rest = reference.partition(":")
        name, slash, suffix = rest.partition("/")
        arn = {
            "bucket": lambda: self.output("data", "bucket_arns", name),
            "topic": lambda: self.output("data", "topic_arns", name),
            "queue": lambda: self._arn("sqs", self.output("data", "queue_names", name)),
            "table": lambda: self._arn("dynamodb", f"table/{self.output('data', 'table_names', name)}"),
            "secret": lambda: self.output("security", "secret_arns", name),
            "key": lambda: self.output("security", "kms_key_arns", name),
        }.get(kind)
        if arn is None:
            return None
        return f"{arn()}/{suffix}" if slash else arn()

    def _releases(self) -> None:
        deploy_roles = [r for r in self.world.resources("aws_iam_role") if r.name == "deploy-role"]
        if not deploy_roles:
            return
        role = self.world.arn(deploy_roles[0])
        for service in self.env.compute.services:
            if service.deployment == "blue_green":
                continue  # shipped by CodePipeline (_pipelines)
            why = f"release of {service.name}"
            repository = self.output("compute", "repository_arns", service.name)
            self._add(role, "ecr:GetAuthorizationToken", "*", f"{why}: registry login")
            self._add(role, PUSH_IMAGE, repository, f"{why}: push")
            if self.env.compute.image_tag_mutability == "IMMUTABLE":
                # Each release is a new tag, so a new task definition revision runs it.
                self._add(
                    role,
                    ("ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"),
                    "*",
                    f"{why}: a task definition running the new tag",
                )
                for kind in ("task_role_arns", "execution_role_arns"):
                    self._add(
                        role,
                        "iam:PassRole",
                        self.output("security", kind, service.name),
                        f"{why}: the new revision's roles",
                        context={"iam:PassedToService": "ecs-tasks.amazonaws.com"},
                    )
            self._add(
                role,
                ("ecs:UpdateService", "ecs:DescribeServices"),
                self.output("compute", "service_arns", service.name),
                f"{why}: roll the service",
            )
        for site in self.env.pipeline.static_sites:
            why = f"release of the static site in bucket {site}"
            arn = self.output("data", "bucket_arns", site)
            self._add(role, "s3:ListBucket", arn, f"{why}: s3 sync compares")
            self._add(role, ("s3:PutObject", "s3:DeleteObject"), f"{arn}/{SAMPLE}", f"{why}: s3 sync --delete")
            distribution = self.output("data", "distribution_arns", site)
            if isinstance(distribution, str) and distribution.startswith("arn:"):
                self._add(role, "cloudfront:CreateInvalidation", distribution, f"{why}: invalidate")

    def _distributions(self) -> None:
        world = self.world
        for distribution in world.resources("aws_cloudfront_distribution"):
            arn = world.arn(distribution)
            for origin in world.value(distribution, "origin") or []:
                domain = origin.get("domain_name", "")
                if origin.get("origin_access_control_id") and ".s3." in domain:
                    bucket = domain.split(".s3.")[0]
                    self._add(
                        "cloudfront.amazonaws.com",
                        "s3:GetObject",
                        f"arn:aws:s3:::{bucket}/{SAMPLE}",
                        f"{distribution.address} reads its origin",
                        context={"aws:SourceArn": arn},
                    )

    def _trails(self) -> None:
        world = self.world
        for trail in world.resources("aws_cloudtrail"):
            arn, why = world.arn(trail), f"{trail.address} delivers"
            bucket = f"arn:aws:s3:::{world.value(trail, 's3_bucket_name')}"
            prefix = world.value(trail, "s3_key_prefix")
            context = {"aws:SourceArn": arn, "s3:x-amz-acl": "bucket-owner-full-control"}
            self._add("cloudtrail.amazonaws.com", "s3:GetBucketAcl", bucket, why, context=context)
            self._add(
                "cloudtrail.amazonaws.com",
                "s3:PutObject",
                f"{bucket}/{prefix + '/' if prefix else ''}AWSLogs/{world.account}/{SAMPLE}",
                why,
                context=context,
                implied_keys=False,
            )
            key = world.value(trail, "kms_key_id")
            if key:
                self._add(
                    "cloudtrail.amazonaws.com",
                    "kms:GenerateDataKey",
                    key,
                    f"{why}: encrypts log files",
                    context={"aws:SourceArn": arn, "kms:EncryptionContext:aws:cloudtrail:arn": arn},
                )
            group, role = (
                world.value(trail, "cloud_watch_logs_group_arn"),
                world.value(trail, "cloud_watch_logs_role_arn"),
            )
            if group and role:
                self._delivers_to_log_group(role, group.removesuffix(":*"), f"{why} to CloudWatch Logs")

    def _delivers_to_log_group(self, role: str, group_arn: str, why: str) -> None:
        """A role writing a service's records into a log group: a stream of its own, then its events."""
        self._add(role, ("logs:CreateLogStream", "logs:PutLogEvents"), f"{group_arn}:log-stream:{SAMPLE}", why)

    def _sessions(self) -> None:
        """Session Manager's agent on each container instance, as the instance's role, records every
        session in the log group the account's session preferences name and decrypts its data key."""
        world = self.world
        roles = [f"arn:aws:iam::{world.account}:role/{world.value(p, 'role')}"
                 for p in world.resources("aws_iam_instance_profile")]  # fmt: skip
        for document in world.resources("aws_ssm_document"):
            if world.value(document, "document_type") != "Session":
                continue
            inputs = json.loads(world.value(document, "content")).get("inputs", {})
            why = f"Session Manager on the container instances ({document.address})"
            for role in roles:
                if inputs.get("cloudWatchLogGroupName"):
                    group = self._arn("logs", f"log-group:{inputs['cloudWatchLogGroupName']}")
                    self._delivers_to_log_group(role, group, f"{why} records the session")
                if inputs.get("kmsKeyId"):
                    self._add(role, "kms:Decrypt", inputs["kmsKeyId"], f"{why} decrypts the session's data key")

    def _configuration_recording(self) -> None:
        """AWS Config, as the recorder's own role, finds its bucket and delivers each snapshot and history
        file under the account's prefix, encrypted with the channel's key."""
        world = self.world
        roles = [world.value(r, "role_arn") for r in world.resources("aws_config_configuration_recorder")]
        for channel in world.resources("aws_config_delivery_channel"):
            bucket = f"arn:aws:s3:::{world.value(channel, 's3_bucket_name')}"
            key = world.value(channel, "s3_kms_key_arn")
            why = f"AWS Config delivers ({channel.address})"
            for role in roles:
                self._add(role, ("s3:GetBucketAcl", "s3:ListBucket"), bucket, why)
                self._add(role, "s3:PutObject", f"{bucket}/AWSLogs/{world.account}/Config/{SAMPLE}", why)
                if key:
                    self._add(role, ("kms:GenerateDataKey", "kms:Decrypt"), key, f"{why}, encrypting with its key")

    def _flow_logs(self) -> None:
        world = self.world
        for flow_log in world.resources("aws_flow_log"):
            if world.value(flow_log, "log_destination_type") in (None, "cloud-watch-logs"):
                role, group = world.value(flow_log, "iam_role_arn"), world.value(flow_log, "log_destination")
                self._delivers_to_log_group(role, group, f"{flow_log.address} delivers")

    def _load_balancers(self) -> None:
        world = self.world
        for balancer in world.resources("aws_lb"):
            logs = world.value(balancer, "access_logs") or {}
            if not logs.get("enabled"):
                continue
            bucket = f"arn:aws:s3:::{logs['bucket']}"
            prefix = logs.get("prefix")
            self._add(
                f"arn:aws:iam::{ELB_ACCOUNTS[self.env.region]}:root",
                "s3:PutObject",
                f"{bucket}/{prefix + '/' if prefix else ''}AWSLogs/{world.account}/{SAMPLE}",
                f"{balancer.address} writes access logs",
            )

    def _server_access_logs(self) -> None:
        """S3's logging service writes each bucket's access logs under its prefix in the target bucket
        (the log buckets into themselves), on behalf of the source bucket of this account."""
        world = self.world
        for logging in world.resources("aws_s3_bucket_logging"):
            source, target = world.value(logging, "bucket"), world.value(logging, "target_bucket")
            self._add(
                "logging.s3.amazonaws.com",
                "s3:PutObject",
                f"arn:aws:s3:::{target}/{world.value(logging, 'target_prefix') or ''}{SAMPLE}",
                f"{logging.address} delivers {source}'s access logs",
                context={"aws:SourceArn": f"arn:aws:s3:::{source}", "aws:SourceAccount": world.account},
            )

    def _backups(self) -> None:
        world = self.world
        for selection in world.resources("aws_backup_selection"):
            role = world.value(selection, "iam_role_arn")
            for arn in world.value(selection, "resources") or []:
                action = {
                    ":db:": "rds:CreateDBSnapshot",
                    ":cluster:": "rds:CreateDBClusterSnapshot",
                    ":table/": "dynamodb:CreateBackup",
                }
                for marker, backup_action in action.items():
                    if marker in arn:
                        self._add(role, backup_action, arn, f"{selection.address} backs it up")

    def _pipelines(self) -> None:
        world = self.world
        roles = {r.name: world.arn(r) for r in world.resources("aws_iam_role")}
        if "codepipeline-role" not in roles:
            return
        artifacts = [b for b in world.resources("aws_s3_bucket") if b.name == "pipeline-artifacts"]
        bucket = world.arn(artifacts[0])
        for role in ("codepipeline-role", "codebuild-role"):
            self._add(roles[role], ("s3:GetObject", "s3:PutObject"), f"{bucket}/{SAMPLE}", f"{role}: artifacts")
        for variable, reference in self.env.pipeline.codepipeline.build_secrets.items():
            secret = self.output("security", "secret_arns", reference.split(":")[0])
            self._add(roles["codebuild-role"], "secretsmanager:GetSecretValue", secret, f"build secret {variable}")
        for service in self.env.compute.services:
            if service.deployment == "blue_green":
                repository = self.output("compute", "repository_arns", service.name)
                self._add(roles["codebuild-role"], PUSH_IMAGE, repository, f"build of {service.name}: push")
                for kind in ("task_role_arns", "execution_role_arns"):
                    self._add(
                        roles["codepipeline-role"],
                        "iam:PassRole",
                        self.output("security", kind, service.name),
                        f"deployment of {service.name}: the new revision's roles",
                        context={"iam:PassedToService": "ecs-tasks.amazonaws.com"},
                    )


def _grant_context(conditions: dict) -> dict:
    """A request that meets a grant's own conditions (the first value of each)."""
    context = {}
    for block in conditions.values():
        for key, values in block.items():
            context[key] = values[0] if isinstance(values, tuple) else values
    return context


def decrypt_paths(region: str) -> tuple[dict, ...]:
    """The ways a principal can reach a key's plaintext: directly, or through a service that stores data."""
    return ({}, *({"kms:ViaService": f"{s}.{region}.amazonaws.com"} for s in ("s3", "secretsmanager", "sqs", "sns")))
