"""Who may do what in one environment: its roles with their identity policies and boundaries,
every resource policy, and which customer key encrypts which resource, all from the synthesized
layers (world.World). `AccessModel.decide` answers one request the way AWS would, including the
key requests a request implies (an object written to an SSE-KMS bucket needs kms:GenerateDataKey
on the bucket's key)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hipaa_platform.access.managed_policies import managed_policy
from hipaa_platform.access.policy import Decision, Policy, Principal, Request, evaluate
from hipaa_platform.access.world import World


@dataclass
class Role:
    address: str
    arn: str
    name: str
    identity: list[Policy] = field(default_factory=list)
    boundary: Policy | None = None
    unknown_managed: list[str] = field(default_factory=list)


# The key a request on an encrypted resource needs, by action: (key actions, the service calling KMS).
_KEY_USE = {
    "s3:PutObject": ("kms:GenerateDataKey",),
    "s3:GetObject": ("kms:Decrypt",),
    "secretsmanager:GetSecretValue": ("kms:Decrypt",),
    "sqs:SendMessage": ("kms:GenerateDataKey", "kms:Decrypt"),
    "sqs:ReceiveMessage": ("kms:Decrypt",),
    "sns:Publish": ("kms:GenerateDataKey", "kms:Decrypt"),
}
_VIA = {"s3": "s3", "secretsmanager": "secretsmanager", "sqs": "sqs", "sns": "sns"}


@dataclass(frozen=True)
class Outcome:
    """The decision on a request and on each key request it implies."""

    action: str
    resource: str
    decision: Decision
    key_decisions: tuple[tuple[str, str, Decision], ...] = ()

    @property
    def allowed(self) -> bool:
        return self.decision.allowed and all(d.allowed for _, _, d in self.key_decisions)

    def why_not(self) -> str:
        if not self.decision.allowed:
            return f"{self.action} on {self.resource}: {self.decision.reason}"
        for action, key, decision in self.key_decisions:
            if not decision.allowed:
                return f"{action} on its key {key} (needed for {self.action} on {self.resource}): {decision.reason}"
        return ""


class AccessModel:
    def __init__(self, world: World) -> None:
        self.world = world
        self.account, self.region = world.account, world.region
        self.roles: dict[str, Role] = {}
        self.resource_policies: dict[str, Policy] = {}
        self.keys: dict[str, str] = {}  # key ARN -> address
        self.encryption: dict[str, str] = {}  # resource ARN -> customer key ARN
        self.buckets: dict[str, str] = {}  # bucket ARN -> address
        self.secrets: dict[str, str] = {}
        self.queues: dict[str, str] = {}
        self.topics: dict[str, str] = {}
        self.endpoints: list[tuple[str, str, Policy | None]] = []
        self.tags: dict[str, dict[str, str]] = {}  # resource ARN -> its tags (aws:ResourceTag/...)
        self._read_roles()
        self._read_resources()

    # -- reading -----------------------------------------------------------------------------------
    def _read_roles(self) -> None:
        world = self.world
        policies = {world.arn(r): r for r in world.resources("aws_iam_policy")}
        by_name: dict[str, Role] = {}
        for resource in world.resources("aws_iam_role"):
            arn = world.arn(resource)
            role = Role(resource.address, arn, world.value(resource, "name"))
            for index, inline in enumerate(world.value(resource, "inline_policy") or []):
                role.identity.append(Policy.parse(f"{resource.address} inline policy {index + 1}", inline["policy"]))
            boundary = world.value(resource, "permissions_boundary")
            if boundary:
                source = policies.get(boundary)
                role.boundary = (
                    Policy.parse(f"permission boundary {source.address}", world.value(source, "policy"))
                    if source
                    else Policy(f"permission boundary {boundary} (not in the layers)", ())
                )
            self.roles[arn] = by_name[role.name] = role
        for resource in world.resources("aws_iam_role_policy"):
            role = by_name[_role_name(world.value(resource, "role"))]
            role.identity.append(
                Policy.parse(f"{resource.address} ({world.value(resource, 'name')})", world.value(resource, "policy"))
            )
        for resource in world.resources("aws_iam_role_policy_attachment"):
            role = by_name[_role_name(world.value(resource, "role"))]
            policy_arn = world.value(resource, "policy_arn")
            managed = policy_arn.rpartition("/")[2]
            if policy_arn in policies:
                role.identity.append(
                    Policy.parse(policies[policy_arn].address, world.value(policies[policy_arn], "policy"))
                )
            elif (published := managed_policy(managed)) is not None:
                role.identity.append(published)
            else:
                role.unknown_managed.append(managed)

    def _read_resources(self) -> None:
        world = self.world
        for kind, index in (
            ("aws_s3_bucket", self.buckets),
            ("aws_secretsmanager_secret", self.secrets),
            ("aws_sqs_queue", self.queues),
            ("aws_sns_topic", self.topics),
        ):
            for resource in world.resources(kind):
                index[world.arn(resource)] = resource.address
                self.tags[world.arn(resource)] = world.tags(resource)
        for resource in world.resources("aws_kms_key"):
            arn = world.arn(resource)
            self.keys[arn] = resource.address
            self.tags[arn] = world.tags(resource)
            if resource.config.get("policy"):
                self.resource_policies[arn] = Policy.parse(
                    f"key policy of {resource.address}", world.value(resource, "policy")
                )
        self._policy_of("aws_s3_bucket_policy", "bucket", lambda v: f"arn:aws:s3:::{v}", "bucket policy")
        self._policy_of("aws_sqs_queue_policy", "queue_url", _queue_arn, "queue policy")
        self._policy_of("aws_sns_topic_policy", "arn", str, "topic policy")
        self._policy_of("aws_secretsmanager_secret_policy", "secret_arn", str, "secret policy")
        self._policy_of(
            "aws_ecr_repository_policy",
            "repository",
            lambda v: f"arn:aws:ecr:{self.region}:{self.account}:repository/{v}",
            "repository policy",
        )
        self._policy_of(
            "aws_backup_vault_policy",
            "backup_vault_name",
            lambda v: f"arn:aws:backup:{self.region}:{self.account}:backup-vault:{v}",
            "vault policy",
        )
        for resource in world.resources("aws_s3_bucket_server_side_encryption_configuration"):
            rule = (world.value(resource, "rule") or [{}])[0].get("apply_server_side_encryption_by_default", {})
            if rule.get("sse_algorithm") == "aws:kms" and rule.get("kms_master_key_id"):
                self.encryption[f"arn:aws:s3:::{world.value(resource, 'bucket')}"] = rule["kms_master_key_id"]
        for kind, attribute in (
            ("aws_secretsmanager_secret", "kms_key_id"),
            ("aws_sqs_queue", "kms_master_key_id"),
            ("aws_sns_topic", "kms_master_key_id"),
            ("aws_cloudwatch_log_group", "kms_key_id"),
        ):
            for resource in world.resources(kind):
                key = world.value(resource, attribute)
                if key and str(key).startswith("arn:aws:kms:"):
                    self.encryption[world.arn(resource)] = key

        # The master-credentials secret RDS manages: no resource of its own, its key set on the database.
        for kind in ("aws_db_instance", "aws_rds_cluster"):
            for resource in world.resources(kind):
                key = world.value(resource, "master_user_secret_kms_key_id")
                if resource.config.get("manage_master_user_password") and key:
                    secret = world.resolve(
                        f"${{{kind}.{resource.name}.master_user_secret[0].secret_arn}}", resource.layer
                    )
                    self.secrets[secret] = f"{resource.address} (its master-credentials secret)"
                    self.encryption[secret] = key
        for resource in world.resources("aws_vpc_endpoint"):
            policy = world.value(resource, "policy")
            self.endpoints.append(
                (
                    resource.address,
                    world.value(resource, "service_name"),
                    Policy.parse(f"endpoint policy of {resource.address}", policy) if policy else None,
                )
            )

    def _policy_of(self, kind: str, attribute: str, to_arn, label: str) -> None:
        for resource in self.world.resources(kind):
            arn = to_arn(self.world.value(resource, attribute))
            self.resource_policies[arn] = Policy.parse(
                f"{label} {resource.address}", self.world.value(resource, "policy")
            )

    # -- questions ---------------------------------------------------------------------------------
    def principal(self, who: str) -> Principal:
        """A role's ARN, or a service principal (`cloudfront.amazonaws.com`)."""
        return Principal(who, self.account, service=not who.startswith("arn:"))

    def decide(
        self, who: str, action: str, resource: str, context: dict | None = None, *, implied_keys: bool = True
    ) -> Outcome:
        """`implied_keys`: False where the caller names its own key instead (CloudTrail's log files)."""
        principal = self.principal(who)
        context = {
            "aws:SecureTransport": "true",
            "aws:SourceAccount": self.account,
            "aws:ResourceAccount": self.account,
            "aws:PrincipalArn": who,
            **(context or {}),
        }
        decision = self._decide(Request(principal, action, resource, context))
        keys = []
        container = _container(resource)
        key = self.encryption.get(container)
        if implied_keys and decision.allowed and key and action in _KEY_USE:
            service = action.partition(":")[0]
            key_context = {
                **context,
                "kms:ViaService": f"{_VIA[service]}.{self.region}.amazonaws.com",
                **_encryption_context(service, container),
            }
            for key_action in _KEY_USE[action]:
                keys.append((key_action, key, self._decide(Request(principal, key_action, key, key_context))))
        return Outcome(action, resource, decision, tuple(keys))

    def _decide(self, request: Request) -> Decision:
        role = self.roles.get(request.principal.arn)
        container = _container(request.resource)
        tags = {f"aws:ResourceTag/{k}": v for k, v in self.tags.get(container, {}).items()}
        request = Request(request.principal, request.action, request.resource, {**tags, **request.context})
        resource_policy = self.resource_policies.get(container)
        return evaluate(
            request,
            identity=role.identity if role else (),
            boundary=role.boundary if role else None,
            resource_policy=resource_policy,
            kms=request.resource.startswith("arn:aws:kms:"),
        )


def _role_name(value: str) -> str:
    return value.rpartition("/")[2] if value.startswith("arn:") else value


def _queue_arn(url: str) -> str:
    host, account, name = url.removeprefix("https://").split("/")
    return f"arn:aws:sqs:{host.split('.')[1]}:{account}:{name}"


def _container(resource: str) -> str:
    """The resource that holds a policy or a key: a bucket for its objects, a log group for its streams."""
    if resource.startswith("arn:aws:s3:::"):
        return resource.split("/")[0]
    if resource.startswith("arn:aws:logs:"):
        return ":".join(resource.split(":")[:7])
    return resource


def _encryption_context(service: str, resource: str) -> dict[str, str]:
    # S3 with a bucket key uses the bucket's ARN; Secrets Manager the secret's.
    if service == "s3":
        return {"kms:EncryptionContext:aws:s3:arn": resource}
    if service == "secretsmanager":
        return {"kms:EncryptionContext:SecretARN": resource}
    return {}
