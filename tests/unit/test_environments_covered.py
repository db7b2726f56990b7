"""Every environment file is synthesized for the per-environment tiers (unit, gate, validate)."""

from __future__ import annotations

from hipaa_platform.config.loader import available_environments
from tests.conftest import SYNTHESIZED


def test_every_environment_has_a_session_synthesis() -> None:
    assert sorted(SYNTHESIZED) == available_environments()
