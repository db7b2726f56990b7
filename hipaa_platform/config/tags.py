"""The `tags` section: the mandatory tag set."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hipaa_platform.config.base import Model


class Tags(Model):
    """The mandatory tag set; Environment, Application and Component are filled in by the project."""

    owner: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="team e-mail address")
    cost_center: str = Field(min_length=2)
    compliance: tuple[Literal["hipaa", "pii-storage", "audit-required"], ...] = ("hipaa",)
