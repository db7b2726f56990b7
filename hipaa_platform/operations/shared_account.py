"""Environments deployed side by side into one account, as MenoTime's stages share theirs.

What an account has once (the trail, GuardDuty, AWS Config, the GitHub OIDC provider, the mail
identities) is its baseline's (accounts/<account>.yaml), a unit of its own: it is applied before any
stage of the account and outlives them all. No stage creates what another stage reads, so the
stages run at the same time, each in its own thread, and their waits on the AWS provider overlap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hipaa_platform.errors import UserError

if TYPE_CHECKING:
    from hipaa_platform.config import AccountBaseline, Environment


def shared_account(environments: list[Environment]) -> AccountBaseline:
    """The one account the environments name, whose baseline they all use."""
    accounts = sorted({e.account for e in environments})
    if len(accounts) != 1:
        named = ", ".join(f"{e.name} ({e.account})" for e in environments)
        raise UserError(f"environments deployed side by side share one account; these name {len(accounts)}: {named}")
    return environments[0].baseline
