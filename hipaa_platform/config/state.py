"""The `state` section: where each layer's remote state lives."""

from __future__ import annotations

from pydantic import Field

from hipaa_platform.config.base import Model


class State(Model):
    """Where each layer's remote state lives when the S3 backend is selected."""

    bucket: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    kms_key_alias: str = Field(pattern=r"^alias/[A-Za-z0-9/_-]+$")
