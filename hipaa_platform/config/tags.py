"""The `tags` section: the mandatory tag set."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from hipaa_platform.config.base import Model

TagKey = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.:/=+@-]{0,127}$")]
# Compliance is left out: a bucket's value is added to the environment's (hipaa_platform/building/tagging.py).
PROJECT_TAG_KEYS = ("Environment", "Application", "Component", "CostCenter", "Owner", "Backup", "Encryption",
                    "ManagedBy", "PlatformEnvironment")  # fmt: skip


def own_tags(tags: dict[str, str], *, also_refused: tuple[str, ...] = ()) -> dict[str, str]:
    """Tags a file adds; the project's own keys are refused, since they would silently replace them."""
    clashing = sorted(set(tags) & {*PROJECT_TAG_KEYS, *also_refused})
    if clashing:
        raise ValueError(f"{clashing[0]!r} is set by the project; allowed: any other key")
    return tags


class Tags(Model):
    """The mandatory tag set; Environment, Application and Component are filled in by the project."""

    owner: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="team e-mail address")
    cost_center: str = Field(min_length=2)
    compliance: tuple[Literal["hipaa", "pii-storage", "audit-required"], ...] = ("hipaa",)
    additional: dict[TagKey, str] = Field(
        {}, description="tags every resource carries besides the mandatory set (for example a seed's Project)"
    )

    @field_validator("additional")
    @classmethod
    def _not_the_projects(cls, value: dict[str, str]) -> dict[str, str]:
        return own_tags(value, also_refused=("Compliance",))
