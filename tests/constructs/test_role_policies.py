"""Every permission the platform grants is a role policy made by modules/shared/role_policy.py: inline by
design, with CKV_HIPAA_26 accepted next to it. No role carries an `inline_policy` block, which the
check does not read (a plan lists the role's separate policies there again)."""

from __future__ import annotations

import pytest

from tests.conftest import ENVIRONMENTS, Synthesized


def accepted_checks(body: dict) -> dict[str, str]:
    return {a["check_id"]: a["reason"] for a in body.get("//", {}).get("accepted_findings", [])}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_role_policy_states_why_it_is_inline(synthesis_of, environment: str) -> None:
    from modules.shared.role_policy import ONE_ROLE_ONLY  # here: the bindings cost ~1 GB in a worker that collects this

    synthesized: Synthesized = synthesis_of(environment)
    policies = {
        f"{layer}:{name}": body
        for layer in synthesized.stacks
        for name, body in synthesized.resources(layer, "aws_iam_role_policy").items()
    }
    assert policies
    unexplained = [
        where for where, body in policies.items() if accepted_checks(body).get("CKV_HIPAA_26") != ONE_ROLE_ONLY
    ]
    assert not unexplained


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_no_role_declares_an_inline_policy_block(synthesis_of, environment: str) -> None:
    synthesized: Synthesized = synthesis_of(environment)
    with_block = [
        f"{layer}:{name}"
        for layer in synthesized.stacks
        for name, body in synthesized.resources(layer, "aws_iam_role").items()
        if body.get("inline_policy")
    ]
    assert not with_block
