"""The HIPAA conformance pack as this project meets it: compliance/hipaa_pack.yaml, typed.

Each of the pack's rules carries its HIPAA control ids and one status: enforced by named checkov
checks, not applicable (with the kind of reason), or a declared gap (with its reason)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hipaa_platform.errors import UserError, problems_in
from hipaa_platform.gate.scan import by_key
from hipaa_platform.targets import PROJECT_ROOT

PACK_FILE = PROJECT_ROOT / "compliance" / "hipaa_pack.yaml"

# 164.308(a)(7)(ii)(A), 164.312(d): a section of the Security Rule and its paragraph path.
CONTROL_ID = r"^164\.3(08|10|12|14|16)(\([a-zA-Z0-9]+\))+$"
CHECK_ID = r"^CKV2?_(AWS|HIPAA)_\d+$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackSource(Strict):
    repository: str
    path: str
    commit: str = Field(pattern=r"^[0-9a-f]{7,40}$")
    rules: int = Field(gt=0)


class PackRule(Strict):
    identifier: str = Field(pattern=r"^[A-Z0-9_]+$")
    parameters: dict[str, str] = {}  # the published pack's input parameters for the rule
    scope: list[str] = []  # the resource types whose changes trigger it, as the published pack scopes it
    controls: list[str] = Field(min_length=1)
    controls_from: str = Field(pattern=r"^(cdk-nag [A-Za-z0-9]+|config-guide|derived)$")
    status: Literal["enforced", "not-applicable", "gap"]
    checks: list[str] = []
    kind: Literal["service-not-used", "account-level", "runtime", "process"] | None = None
    reason: str | None = Field(default=None, min_length=20)

    @model_validator(mode="after")
    def _status_has_what_it_needs(self) -> PackRule:
        import re

        bad = [c for c in self.controls if not re.match(CONTROL_ID, c)]
        if bad:
            raise ValueError(f"not a HIPAA Security Rule control id: {', '.join(bad)} (for example 164.312(b))")
        bad = [t for t in self.scope if not re.match(r"^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$", t)]
        if bad:
            raise ValueError(f"not an AWS Config resource type: {', '.join(bad)} (for example AWS::S3::Bucket)")
        bad = [c for c in self.checks if not re.match(CHECK_ID, c)]
        if bad:
            raise ValueError(f"not a checkov check id: {', '.join(bad)} (for example CKV_AWS_16, CKV_HIPAA_5)")
        if self.status == "enforced" and (not self.checks or self.reason or self.kind):
            raise ValueError("an enforced rule names its checks and nothing else (no reason, no kind)")
        if self.status == "not-applicable" and (self.checks or not self.kind or not self.reason):
            raise ValueError("a not-applicable rule has a kind and a reason and no checks")
        if self.status == "gap" and (self.checks or self.kind or not self.reason):
            raise ValueError("a gap has a reason and no checks or kind")
        return self


class HipaaPack(Strict):
    source: PackSource
    rules: dict[str, PackRule]

    @model_validator(mode="after")
    def _holds_the_whole_pack(self) -> HipaaPack:
        if len(self.rules) != self.source.rules:
            raise ValueError(f"holds {len(self.rules)} rules; the pack has {self.source.rules}")
        return self

    def enforcing_checks(self) -> set[str]:
        return {check for rule in self.rules.values() for check in rule.checks}


class _UniqueKeys(yaml.SafeLoader):
    """A repeated rule name would silently replace the first one."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise yaml.constructor.ConstructorError(
                None, None, f"repeated key(s): {', '.join(repeated)}", node.start_mark
            )
        return super().construct_mapping(node, deep=deep)


def load_pack(path: Path = PACK_FILE) -> HipaaPack:
    try:
        document = yaml.load(path.read_text(), Loader=_UniqueKeys)  # a SafeLoader subclass
        return HipaaPack.model_validate(document)
    except (OSError, yaml.YAMLError) as error:
        raise UserError(f"{path}: {error}") from None
    except ValidationError as error:
        raise problems_in(path, error) from None


# The managed rules whose parameters an account file states (the ports before any stage exists, the
# VPCs once the stages' networking layers are applied).
AUTHORIZED_PORTS_RULE = "vpc-sg-open-only-to-authorized-ports"
AUTHORIZED_VPCS_RULE = "internet-gateway-authorized-vpc-only"


@dataclass(frozen=True)
class ConfigRuleDefinition:
    """One pack rule as AWS Config takes it: the managed rule, its input parameters and its scope."""

    name: str
    identifier: str
    parameters: dict[str, str]
    scope: tuple[str, ...]


def pack_rule_definitions(
    pack: HipaaPack, *, authorized_tcp_ports: tuple[int, ...] = (), authorized_vpc_ids: tuple[str, ...] = ()
) -> list[ConfigRuleDefinition]:
    """Every rule of the pack, each the managed rule its identifier names with the published pack's
    parameters and scope, and the parameters the account states (the ports a security group may open to the
    internet, the VPCs that may have an internet gateway) where it states them."""
    stated = {
        AUTHORIZED_PORTS_RULE: {"authorizedTcpPorts": ",".join(str(p) for p in authorized_tcp_ports)},
        AUTHORIZED_VPCS_RULE: {"AuthorizedVpcIds": ",".join(authorized_vpc_ids)},
    }
    return [
        ConfigRuleDefinition(
            name,
            rule.identifier,
            {**rule.parameters, **{k: v for k, v in stated.get(name, {}).items() if v}},
            tuple(rule.scope),
        )
        for name, rule in pack.rules.items()
    ]


def conformance_pack_template(
    pack: HipaaPack, *, authorized_tcp_ports: tuple[int, ...] = (), authorized_vpc_ids: tuple[str, ...] = ()
) -> str:
    """An AWS Config conformance pack holding every rule of the pack (pack_rule_definitions); the
    logical ids are the rule names in CamelCase, as in the published pack."""
    definitions = pack_rule_definitions(
        pack, authorized_tcp_ports=authorized_tcp_ports, authorized_vpc_ids=authorized_vpc_ids
    )
    resources = {
        "".join(part.capitalize() for part in rule.name.split("-")): {
            "Type": "AWS::Config::ConfigRule",
            "Properties": {
                "ConfigRuleName": rule.name,
                "Source": {"Owner": "AWS", "SourceIdentifier": rule.identifier},
                **({"InputParameters": rule.parameters} if rule.parameters else {}),
                **({"Scope": {"ComplianceResourceTypes": list(rule.scope)}} if rule.scope else {}),
            },
        }
        for rule in definitions
    }
    return yaml.safe_dump({"Resources": resources}, sort_keys=False)


SECURITY_DOC = PACK_FILE.parent.parent / "docs" / "security.md"
DOC_BEGIN = "<!-- hipaa-pack: generated from compliance/hipaa_pack.yaml by `make security-doc`; do not edit -->"
DOC_END = "<!-- hipaa-pack: end -->"
STATUS_WORDS = {"enforced": "enforced", "not-applicable": "not applicable", "gap": "gap"}


def render_pack(pack: HipaaPack) -> str:
    """The pack section of docs/security.md: counts, then one row per rule in the pack's order."""
    counts = {status: sum(r.status == status for r in pack.rules.values()) for status in STATUS_WORDS}
    source = pack.source
    lines = [
        DOC_BEGIN,
        "",
        f"{len(pack.rules)} rules from `{source.path}` ({source.repository}, commit {source.commit}): "
        + ", ".join(f"{n} {STATUS_WORDS[s]}" for s, n in counts.items())
        + ". Control ids marked * are derived (see the header of `compliance/hipaa_pack.yaml`).",
        "",
        "| pack rule | controls | status | checks, or why |",
        "| --- | --- | --- | --- |",
    ]
    for name, rule in pack.rules.items():
        controls = ", ".join(rule.controls) + (" *" if rule.controls_from == "derived" else "")
        status = STATUS_WORDS[rule.status] + (f" ({rule.kind})" if rule.kind else "")
        why = ", ".join(f"`{check}`" for check in rule.checks) if rule.checks else rule.reason
        lines.append(f"| `{name}` | {controls} | {status} | {why} |")
    lines += ["", DOC_END]
    return "\n".join(lines)


def security_doc_with_pack(document: str, pack: HipaaPack) -> str:
    """`document` with its generated pack section replaced by the current one."""
    start, end = document.find(DOC_BEGIN), document.find(DOC_END)
    if start < 0 or end < start:
        raise UserError(f"{SECURITY_DOC}: no generated section ({DOC_BEGIN!r} ... {DOC_END!r}) to update")
    return document[:start] + render_pack(pack) + document[end + len(DOC_END) :]


# ---- the per-environment report: the gate's checks over one synthesized environment, by pack rule


@dataclass
class RuleOutcome:
    """How one pack rule stands in one environment."""

    name: str
    rule: PackRule
    verdict: str  # pass, accepted, fail, no resources, not applicable, gap
    passed: list[str] = field(default_factory=list)  # layer:resource
    accepted: list[tuple[str, str, str]] = field(default_factory=list)  # (layer:resource, check, reason)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (layer:resource, check)

    def detail(self, reasons: bool = True) -> str:
        """The resources concerned (with acceptance reasons when `reasons`), or why the rule has none."""
        if self.verdict in ("gap", "not applicable"):
            return self.rule.reason or ""
        parts = [f"FAILED {r} ({c})" for r, c in self.failed]
        parts += [f"accepted {r} ({c})" + (f": {why}" if reasons else "") for r, c, why in self.accepted]
        if self.passed:
            parts.append(f"{len(self.passed)} passed ({', '.join(self.rule.checks)})")
        return "; ".join(parts) or f"nothing here that {', '.join(self.rule.checks)} evaluates"

    def as_json(self) -> dict:
        return {
            "rule": self.name,
            "identifier": self.rule.identifier,
            "controls": self.rule.controls,
            "status": self.verdict,
            "checks": self.rule.checks,
            "reason": self.rule.reason,
            "passed": self.passed,
            "accepted": [{"resource": r, "check": c, "reason": why} for r, c, why in self.accepted],
            "failed": [{"resource": r, "check": c} for r, c in self.failed],
        }


VERDICT_ORDER = ("fail", "accepted", "pass", "no resources", "gap", "not applicable")


def evaluate_pack(
    pack: HipaaPack, results: list[dict], acceptances: list, addresses: dict[tuple[str, str], str] | None = None
) -> list[RuleOutcome]:
    """Each rule's verdict from checkov's PASSED and FAILED results and the environment's declared
    acceptances; `addresses` (gate.scan.addresses_in) names each resource by its type."""
    declared = by_key(acceptances)
    addresses = addresses or {}
    by_check: dict[str, list[dict]] = {}
    for result in results:
        by_check.setdefault(result["check_id"], []).append(result)
    outcomes = []
    for name, rule in pack.rules.items():
        if rule.status != "enforced":
            outcomes.append(RuleOutcome(name, rule, STATUS_WORDS[rule.status]))
            continue
        outcome = RuleOutcome(name, rule, "no resources")
        for check in rule.checks:
            for result in by_check.get(check, []):
                layer = result["file_path"].strip("/").split("/")[0]
                logical_id = result["resource"].split(".", 1)[1]
                where = f"{layer}:{addresses.get((layer, logical_id), result['resource'])}"
                if result["check_result"]["result"] == "PASSED":
                    outcome.passed.append(where)
                    continue
                acceptance = declared.get((layer, logical_id, check))
                if acceptance:
                    outcome.accepted.append((where, check, acceptance.reason))
                else:
                    outcome.failed.append((where, check))
        outcome.verdict = (
            "fail"
            if outcome.failed
            else "accepted"
            if outcome.accepted
            else "pass"
            if outcome.passed
            else "no resources"
        )
        outcomes.append(outcome)
    return outcomes


def render_report(environment: str, outcomes: list[RuleOutcome]) -> str:
    counts = {v: sum(o.verdict == v for o in outcomes) for v in VERDICT_ORDER}
    lines = [
        f"# HIPAA conformance pack: {environment}",
        "",
        ", ".join(f"{n} {v}" for v, n in counts.items() if n) + f" ({len(outcomes)} rules).",
        "",
        "| rule | controls | status | resources, or why |",
        "| --- | --- | --- | --- |",
    ]
    for o in sorted(outcomes, key=lambda o: (VERDICT_ORDER.index(o.verdict), o.name)):
        lines.append(f"| `{o.name}` | {', '.join(o.rule.controls)} | {o.verdict} | {o.detail()} |")
    return "\n".join(lines) + "\n"


def compliance_report(environment: str, outdir: Path, report_dir: Path) -> tuple[list[RuleOutcome], dict[str, Path]]:
    """Run the pack's checks over one synthesized environment and its account's baseline (the account's
    rules: trail, GuardDuty, password policy, ...), as the environment's synthesis writes them; write
    markdown and JSON."""
    from hipaa_platform import ACCOUNT_DIR, BASELINE
    from hipaa_platform.gate.scan import acceptances_in, addresses_in, check_results, read_stacks, run_checkov

    pack = load_pack()
    stacks = {**read_stacks(outdir), **read_stacks(outdir / ACCOUNT_DIR, (BASELINE,))}
    scanned = report_dir / "scanned"  # the environment's layers and the account's baseline, side by side
    shutil.rmtree(scanned, ignore_errors=True)
    for layer, stack in stacks.items():
        (scanned / layer).mkdir(parents=True)
        (scanned / layer / "cdk.tf.json").write_text(json.dumps(stack))
    reports = run_checkov(scanned, report_dir / "checkov", checks=tuple(sorted(pack.enforcing_checks())))
    outcomes = evaluate_pack(pack, list(check_results(reports)), acceptances_in(stacks), addresses_in(stacks))
    written = {"markdown": report_dir / "compliance.md", "json": report_dir / "compliance.json"}
    written["markdown"].write_text(render_report(environment, outcomes))
    document = {"environment": environment, "pack": pack.source.model_dump(), "rules": [o.as_json() for o in outcomes]}
    written["json"].write_text(json.dumps(document, indent=2))
    return outcomes, written
