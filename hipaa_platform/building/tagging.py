"""The one place tags are made: the MenoTime mandatory tag set."""

from __future__ import annotations

from hipaa_platform.config import AccountBaseline, Environment

# The tag that names the environment a resource belongs to; policies scope to it (workload boundary).
ENVIRONMENT_TAG = "PlatformEnvironment"


def default_tags(environment: Environment, layer: str) -> dict[str, str]:
    """Tags every resource of a layer carries, applied through the provider's default_tags."""
    return {
        "Environment": environment.stage,
        "Application": environment.application,
        "Component": layer,
        "CostCenter": environment.tags.cost_center,
        "Owner": environment.tags.owner,
        "Compliance": compliance(environment),
        "ManagedBy": "cdktf",
        ENVIRONMENT_TAG: environment.name,
        **environment.tags.additional,
    }


def account_tags(account: AccountBaseline, layer: str) -> dict[str, str]:
    """Tags of an account baseline's resources: they belong to the account, not to a stage."""
    return {
        "Environment": "account",
        "Application": account.name,
        "Component": layer,
        "CostCenter": account.tags.cost_center,
        "Owner": account.tags.owner,
        "Compliance": compliance(account),
        "ManagedBy": "cdktf",
        ENVIRONMENT_TAG: f"account-{account.name}",
        **account.tags.additional,
    }


def data_tags(*, backup: str, encryption: str) -> dict[str, str]:
    """Per-resource tags for what stores data (Backup: daily|weekly|none, Encryption: kms|aws-managed|none)."""
    if backup not in ("daily", "weekly", "none"):
        raise ValueError(f"backup tag {backup!r}; allowed: daily, weekly, none")
    if encryption not in ("kms", "aws-managed", "none"):
        raise ValueError(f"encryption tag {encryption!r}; allowed: kms, aws-managed, none")
    return {"Backup": backup, "Encryption": encryption}


# Joins the regimes of a multi-valued Compliance tag. AWS tag values admit letters, digits, spaces
# and + - = . _ : / @ only (no comma); the regimes contain "-" themselves ("pii-storage").
COMPLIANCE_SEPARATOR = "+"


def compliance(environment: Environment | AccountBaseline, *more: str) -> str:
    """The Compliance tag: the environment's regimes, plus those one resource adds (a bucket's own)."""
    return COMPLIANCE_SEPARATOR.join(dict.fromkeys((*environment.tags.compliance, *more)))


def bucket_tags(environment: Environment, tags: dict[str, str]) -> dict[str, str]:
    """A bucket's own tags; its Compliance value extends the environment's instead of replacing it."""
    extended = {"Compliance": compliance(environment, tags["Compliance"])} if "Compliance" in tags else {}
    return {**tags, **extended}
