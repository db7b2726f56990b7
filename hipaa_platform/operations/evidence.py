"""`make evidence`: what the deployed account itself says, beside the static report, rule by rule.

With read-only credentials for the environment's account: AWS Config's compliance of each rule of
the account's conformance pack (the baseline's, `<prefix>-hipaa-security`) next to the static
report's verdict for the same rule (`make compliance`), every rule where the two disagree flagged;
which of the pack's rules AWS Config does not carry (a pack that failed to deploy, a rule deleted);
and Security Hub's failed controls for the account. A service that does not answer (no pack yet,
no permission, the emulator) is reported as such, never read as compliant."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

from hipaa_platform.building.naming import Namer
from hipaa_platform.config import AccountBaseline
from hipaa_platform.gate.compliance import RuleOutcome

NOT_ANSWERED = "not answered"
# The static verdicts that claim the rule's resources comply, and those that claim none is there.
CLAIMS_COMPLIANT = ("pass",)
CLAIMS_NOTHING = ("no resources", "not applicable")


def conformance_pack_name(baseline: AccountBaseline) -> str:
    """The pack the account's baseline deploys (modules/security/configuration_recording.py)."""
    return Namer(baseline.name_prefix).name("hipaa-security")


@dataclass(frozen=True)
class RuleEvidence:
    rule: str
    static: str  # the static report's verdict
    config: str  # AWS Config's: COMPLIANT, NON_COMPLIANT, INSUFFICIENT_DATA, or NOT_ANSWERED

    @property
    def disagreement(self) -> str:
        """Why the two disagree, or "" when they do not (or AWS Config did not answer)."""
        if self.config in (NOT_ANSWERED, "INSUFFICIENT_DATA"):
            return ""
        if self.static in CLAIMS_COMPLIANT and self.config == "NON_COMPLIANT":
            return "the static report passes what AWS Config finds noncompliant"
        if self.static in CLAIMS_NOTHING and self.config == "NON_COMPLIANT":
            return f"the static report says {self.static}, AWS Config finds noncompliant resources"
        if self.static == "fail" and self.config == "COMPLIANT":
            return "the static report fails what AWS Config finds compliant"
        if self.static == "accepted" and self.config == "COMPLIANT":
            return "accepted as a finding, but AWS Config finds it compliant: the acceptance may be stale"
        return ""


@dataclass
class Evidence:
    environment: str
    pack: str
    rules: list[RuleEvidence] = field(default_factory=list)
    config_error: str = ""  # why AWS Config did not answer
    rules_not_carried: list[str] = field(default_factory=list)  # pack rules AWS Config does not hold
    rules_error: str = ""  # why AWS Config did not list its rules
    failed_controls: dict[str, list[str]] = field(default_factory=dict)  # control id -> resources
    security_hub_error: str = ""

    @property
    def not_carried(self) -> str:
        """The pack rules AWS Config does not hold, in words."""
        if self.rules_error:
            return f"not answered ({self.rules_error})"
        return ", ".join(self.rules_not_carried) or "none"

    @property
    def disagreements(self) -> list[RuleEvidence]:
        return [r for r in self.rules if r.disagreement]

    def as_json(self) -> dict:
        return {
            "environment": self.environment,
            "conformance_pack": self.pack,
            "config_error": self.config_error,
            "rules_not_carried": self.rules_not_carried,
            "rules_error": self.rules_error,
            "security_hub_error": self.security_hub_error,
            "rules": [{**asdict(r), "disagreement": r.disagreement} for r in self.rules],
            "security_hub_failed_controls": self.failed_controls,
        }


def compare(outcomes: Iterable[RuleOutcome], config: Mapping[str, str]) -> list[RuleEvidence]:
    """Each pack rule's static verdict beside AWS Config's (NOT_ANSWERED where it said nothing)."""
    return [RuleEvidence(o.name, o.verdict, config.get(o.name, NOT_ANSWERED)) for o in outcomes]


def config_compliance(client, pack: str) -> dict[str, str]:
    """Pack rule name -> compliance. AWS names a pack's rules `<rule>-conformance-pack-<suffix>`."""
    answers: dict[str, str] = {}
    token = None
    while True:
        page = client.describe_conformance_pack_compliance(
            ConformancePackName=pack, **({"NextToken": token} if token else {})
        )
        for rule in page["ConformancePackRuleComplianceList"]:
            answers[rule["ConfigRuleName"].split("-conformance-pack-")[0]] = rule["ComplianceType"]
        token = page.get("NextToken")
        if not token:
            return answers


def config_rules_carried(client) -> set[str]:
    """The names of the rules AWS Config holds outside any conformance pack (as the emulator holds
    the pack's rules); a pack's rule, `<rule>-conformance-pack-<suffix>`, may be another pack's."""
    return {
        rule["ConfigRuleName"]
        for page in client.get_paginator("describe_config_rules").paginate()
        for rule in page["ConfigRules"]
        if "-conformance-pack-" not in rule["ConfigRuleName"]
    }


def security_hub_failures(client) -> dict[str, list[str]]:
    """Control id -> the resources of its active failed findings (filtered here too: not every
    endpoint applies the filters)."""
    failures: dict[str, list[str]] = {}
    failed = {"ComplianceStatus": [{"Value": "FAILED", "Comparison": "EQUALS"}],
              "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]}  # fmt: skip
    for page in client.get_paginator("get_findings").paginate(Filters=failed):
        for finding in page["Findings"]:
            compliance = finding.get("Compliance", {})
            if compliance.get("Status") != "FAILED" or finding.get("RecordState", "ACTIVE") != "ACTIVE":
                continue
            control = compliance.get("SecurityControlId") or finding.get("GeneratorId", "?")
            failures.setdefault(control, []).extend(r["Id"] for r in finding.get("Resources", []))
    return dict(sorted(failures.items()))


def gather(
    environment: str, baseline: AccountBaseline, outcomes: list[RuleOutcome], session_kwargs: Mapping[str, str]
) -> Evidence:
    """Ask the account (`session_kwargs`: boto3 client arguments, such as the emulator's endpoint)."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    once = Config(retries={"max_attempts": 1, "mode": "standard"})

    def client(service: str):
        return boto3.client(service, region_name=baseline.region, config=once, **session_kwargs)

    evidence = Evidence(environment, conformance_pack_name(baseline))
    answers: dict[str, str] = {}
    config = client("config")
    try:
        answers = config_compliance(config, evidence.pack)
    except (BotoCoreError, ClientError) as error:
        evidence.config_error = _short(error)
    evidence.rules = compare(outcomes, answers)
    try:
        # The pack's own answer names its rules; without one (no pack, the emulator), the rules
        # AWS Config holds under their own names.
        carried = set(answers) or config_rules_carried(config)
        evidence.rules_not_carried = [o.name for o in outcomes if o.name not in carried]
    except (BotoCoreError, ClientError) as error:
        evidence.rules_error = _short(error)
    try:
        evidence.failed_controls = security_hub_failures(client("securityhub"))
    except (BotoCoreError, ClientError) as error:
        evidence.security_hub_error = _short(error)
    return evidence


def _short(error: Exception) -> str:
    return " ".join(str(error).split())[:200]


def write_report(evidence: Evidence, report_dir: Path) -> dict[str, Path]:
    report_dir.mkdir(parents=True, exist_ok=True)
    written = {"json": report_dir / "evidence.json", "markdown": report_dir / "evidence.md"}
    written["json"].write_text(json.dumps(evidence.as_json(), indent=2) + "\n")
    lines = [
        f"# Evidence of {evidence.environment}: the static report beside AWS Config (pack {evidence.pack})",
        "",
        f"AWS Config: {evidence.config_error or 'answered'}. "
        f"Security Hub: {evidence.security_hub_error or 'answered'}.",
        "",
        f"Pack rules AWS Config does not carry: {evidence.not_carried}.",
        "",
        "| rule | static report | AWS Config | disagreement |",
        "| --- | --- | --- | --- |",
        *(f"| `{r.rule}` | {r.static} | {r.config} | {r.disagreement} |" for r in evidence.rules),
        "",
        "| Security Hub control | failed resources |",
        "| --- | --- |",
        *(f"| {control} | {', '.join(resources)} |" for control, resources in evidence.failed_controls.items()),
    ]
    written["markdown"].write_text("\n".join(lines) + "\n")
    return written
