"""The access check of one environment (or of several that share an account), both sides:
every declared use works end to end, and nothing undeclared is reachable."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hipaa_platform.access.model import AccessModel
from hipaa_platform.access.policy import Policy, Principal, Request, evaluate
from hipaa_platform.access.uses import SAMPLE, DeclaredUses, Use, decrypt_paths
from hipaa_platform.access.world import World
from hipaa_platform.config import Environment
from hipaa_platform.gate.scan import read_stacks

FOREIGN_ACCOUNT = "444455556666"
# ECR keeps image layers in an AWS-owned bucket per region; a task pulling through an S3 gateway
# endpoint must reach it (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html).
ECR_LAYER_BUCKET = "arn:aws:s3:::prod-{region}-starport-layer-bucket"


@dataclass(frozen=True)
class Finding:
    side: str  # "declared use fails", "undeclared access", "endpoint", "model"
    principal: str
    action: str
    resource: str
    detail: str


@dataclass
class AccessReport:
    environment: str
    uses: list[tuple[Use, bool, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    not_evaluated: list[str] = field(default_factory=list)
    reach: dict[str, set[str]] = field(default_factory=dict)  # principal -> resources it reaches

    @property
    def passed(self) -> bool:
        return not self.findings


def check_synthesized(env: Environment, outdir: Path) -> AccessReport:
    """The check over the six layers synthesized into `outdir` and the account's baseline beside them
    (its trail, recorder and their roles: their declared uses are checked as a stage's are)."""
    from hipaa_platform import ACCOUNT_DIR, BASELINE

    return check_environment(env, {**read_stacks(outdir), **read_stacks(outdir / ACCOUNT_DIR, (BASELINE,))})


def check_environment(env: Environment, stacks: Mapping[str, dict]) -> AccessReport:
    model = AccessModel(World(stacks, env.region))
    uses = DeclaredUses(env, model)
    report = AccessReport(env.name, not_evaluated=list(uses.not_evaluated))
    _declared_uses_work(model, uses, report)
    _nothing_undeclared(model, [uses], report, own=set(model.buckets) | set(model.keys))
    _endpoints_stay_in_the_account(env, model, report)
    _waf_logs_reach_their_groups(model, report)
    for role in model.roles.values():
        for managed in role.unknown_managed:
            report.findings.append(
                Finding(
                    "model",
                    role.address,
                    "-",
                    managed,
                    "an attached AWS managed policy that moto's copy of AWS's policies does not hold "
                    "(hipaa_platform/access/managed_policies.py)",
                )
            )
    return report


def check_shared_account(environments: Sequence[tuple[Environment, Mapping[str, dict]]]) -> AccessReport:
    """Stages in one account: no role of one reaches a bucket, key, secret or queue of another."""
    worlds = [(env, World(stacks, env.region)) for env, stacks in environments]
    models = [AccessModel(world) for _, world in worlds]
    merged = models[0]
    for other in models[1:]:
        merged.roles.update(other.roles)
        merged.resource_policies.update(other.resource_policies)
        merged.encryption.update(other.encryption)
        for index in ("keys", "buckets", "secrets", "queues", "topics"):
            getattr(merged, index).update(getattr(other, index))
    uses = [DeclaredUses(env, model) for (env, _), model in zip(worlds, models, strict=True)]
    report = AccessReport(" + ".join(env.name for env, _ in environments))
    _nothing_undeclared(merged, uses, report, own=set(merged.buckets) | set(merged.keys))
    _stages_trust_their_own_subjects(environments, report)
    return report


GITHUB_SUBJECT = "token.actions.githubusercontent.com:sub"


def github_subjects(stacks: Mapping[str, dict]) -> dict[str, list[str]]:
    """The GitHub OIDC subjects each role of the layers trusts, by role address."""
    trusted: dict[str, list[str]] = {}
    for layer, stack in stacks.items():
        for name, role in stack.get("resource", {}).get("aws_iam_role", {}).items():
            document = json.loads(role.get("assume_role_policy") or "{}")
            for statement in document.get("Statement", []):
                for values in statement.get("Condition", {}).values():
                    subjects = values.get(GITHUB_SUBJECT, [])
                    trusted.setdefault(f"{layer}: aws_iam_role.{name}", []).extend(
                        [subjects] if isinstance(subjects, str) else subjects
                    )
    return trusted


def _stages_trust_their_own_subjects(
    environments: Sequence[tuple[Environment, Mapping[str, dict]]], report: AccessReport
) -> None:
    """A GitHub job that may assume one stage's role must not assume another's: no subject is trusted
    by roles of two environments in one account."""
    trusting: dict[str, set[str]] = {}
    for env, stacks in environments:
        for role, subjects in github_subjects(stacks).items():
            for subject in subjects:
                trusting.setdefault(subject, set()).add(f"{env.name} {role}")
    for subject, roles in sorted(trusting.items()):
        if len({role.split(" ", 1)[0] for role in roles}) > 1:
            report.findings.append(
                Finding(
                    "shared subject",
                    ", ".join(sorted(roles)),
                    "sts:AssumeRoleWithWebIdentity",
                    subject,
                    "roles of several stages in one account trust this GitHub subject: a job allowed to deploy "
                    "one deploys the others; give each its own (pipeline.github_environment)",
                )
            )


def _declared_uses_work(model: AccessModel, uses: DeclaredUses, report: AccessReport) -> None:
    for use in uses:
        outcome = model.decide(use.who, use.action, use.resource, use.context, implied_keys=use.implied_keys)
        report.uses.append((use, outcome.allowed, outcome.why_not()))
        report.reach.setdefault(use.who, set()).add(use.resource)
        if not outcome.allowed:
            report.findings.append(
                Finding("declared use fails", use.who, use.action, use.resource, f"{use.why}: {outcome.why_not()}")
            )


def _declared(uses: Sequence[DeclaredUses], model: AccessModel) -> set[tuple[str, str]]:
    """(principal, resource) pairs the environments declare, with the keys their requests imply."""
    pairs = set()
    for declared in uses:
        for use in declared:
            container = use.resource.split("/")[0] if use.resource.startswith("arn:aws:s3:::") else use.resource
            pairs.add((use.who, container))
            if use.implied_keys and container in model.encryption:
                pairs.add((use.who, model.encryption[container]))
        # Every task role encrypts PHI fields with the default key (modules/security/service_roles.py).
        for service in declared.env.compute.services:
            role = declared.task_role(service)
            pairs.add((role, declared.output("security", "kms_key_arns", "default")))
    return pairs


def _nothing_undeclared(model: AccessModel, uses: Sequence[DeclaredUses], report: AccessReport, own: set) -> None:
    declared = _declared(uses, model)
    probes = (
        [(arn, "s3:GetObject", f"{arn}/{SAMPLE}", {}) for arn in model.buckets]
        + [(arn, "secretsmanager:GetSecretValue", arn, {}) for arn in model.secrets]
        + [(arn, "sqs:ReceiveMessage", arn, {}) for arn in model.queues]
        + [(arn, "kms:Decrypt", arn, context) for arn in model.keys for context in decrypt_paths(model.region)]
    )
    for role in model.roles.values():
        for container, action, resource, context in probes:
            if (role.arn, container) in declared:
                continue
            outcome = model.decide(role.arn, action, resource, context)
            if outcome.decision.allowed:
                via = f" via {context['kms:ViaService']}" if context else ""
                report.findings.append(
                    Finding(
                        "undeclared access",
                        f"{role.name} ({role.address})",
                        action + via,
                        container,
                        f"no declared use: {outcome.decision.reason}",
                    )
                )
                report.reach.setdefault(role.arn, set()).add(f"{container} (undeclared)")
                break  # one finding per role and resource


def _endpoints_stay_in_the_account(env: Environment, model: AccessModel, report: AccessReport) -> None:
    """An S3 gateway endpoint carries every S3 request of the subnets it serves (without a NAT, it is
    their only way out): its policy must keep requests in this account, and let the AWS-owned buckets
    the platform reads through."""
    region = env.region
    anyone = Principal(f"arn:aws:iam::{model.account}:role/any", model.account)
    for address, service_name, policy in model.endpoints:
        if not service_name.endswith(".s3"):
            continue
        if policy is None:
            report.findings.append(
                Finding(
                    "endpoint",
                    "any principal in the VPC",
                    "s3:PutObject",
                    "a bucket in any account",
                    f"{address} has no policy: full access to every bucket of every account through it",
                )
            )
            continue

        def allows(action: str, resource: str, account: str, policy: Policy = policy) -> bool:
            context = {"aws:ResourceAccount": account, "aws:PrincipalAccount": model.account}
            return evaluate(Request(anyone, action, resource, context), resource_policy=policy).allowed

        if allows("s3:PutObject", f"arn:aws:s3:::exfiltration-target/{SAMPLE}", FOREIGN_ACCOUNT):
            report.findings.append(
                Finding(
                    "endpoint",
                    "any principal in the VPC",
                    "s3:PutObject",
                    "a bucket of another account",
                    f"{policy.label} allows it",
                )
            )
        for bucket in model.buckets:
            if not allows("s3:GetObject", f"{bucket}/{SAMPLE}", model.account):
                report.findings.append(
                    Finding(
                        "endpoint",
                        "the VPC",
                        "s3:GetObject",
                        bucket,
                        f"{policy.label} keeps this account's own bucket out",
                    )
                )
        layers = ECR_LAYER_BUCKET.format(region=region)
        if not allows("s3:GetObject", f"{layers}/{SAMPLE}", "aws"):
            report.findings.append(
                Finding(
                    "endpoint",
                    "the VPC",
                    "s3:GetObject",
                    layers,
                    f"{policy.label} keeps ECR's image layers out: no image can be pulled",
                )
            )


def _waf_logs_reach_their_groups(model: AccessModel, report: AccessReport) -> None:
    """WAF delivers to a CloudWatch Logs group only when its name starts with `aws-waf-logs-`
    (https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html, read 2026-12-07);
    the group's key is checked with every encrypted log group."""
    for logging in model.world.resources("aws_wafv2_web_acl_logging_configuration"):
        for destination in model.world.value(logging, "log_destination_configs") or []:
            name = str(destination).partition(":log-group:")[2]
            if ":log-group:" in str(destination) and not name.startswith("aws-waf-logs-"):
                report.findings.append(
                    Finding(
                        "declared use fails",
                        "wafv2.amazonaws.com",
                        "logging",
                        destination,
                        f"{logging.address}: WAF logs only to groups named aws-waf-logs-*",
                    )
                )


def write_markdown(report: AccessReport, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    lines = [f"# Access check: {report.environment}", "", "## Findings", ""]
    lines += [f"- **{f.side}**: {f.principal} `{f.action}` on `{f.resource}`: {f.detail}" for f in report.findings]
    lines += ["- none"] if not report.findings else []
    lines += ["", "## Who reaches what", "", "| principal | resources |", "| --- | --- |"]
    for who, resources in sorted(report.reach.items()):
        lines.append(f"| `{who}` | {'<br>'.join(f'`{r}`' for r in sorted(resources))} |")
    lines += [
        "",
        "## Declared uses",
        "",
        "| principal | action | resource | why | result |",
        "| --- | --- | --- | --- | --- |",
    ]
    for use, allowed, why_not in report.uses:
        lines.append(
            f"| `{use.who}` | `{use.action}` | `{use.resource}` | {use.why} | "
            f"{'allowed' if allowed else 'DENIED: ' + why_not} |"
        )
    if report.not_evaluated:
        lines += ["", "## Not evaluated", ""] + [f"- {n}" for n in report.not_evaluated]
    path = directory / "access.md"
    path.write_text("\n".join(lines) + "\n")
    return path
