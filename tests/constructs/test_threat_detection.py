"""Every account the platform owns has GuardDuty and Security Hub (the conformance pack's
guardduty-enabled-centralized and securityhub-enabled), made by the environment that owns the
account baseline; the stages that share its account make neither."""

from __future__ import annotations

import pytest

from hipaa_platform.config.loader import ENVIRONMENTS_DIR, load_environment
from hipaa_platform.errors import ConfigError
from tests.conftest import SYNTHESIZED

OWNERS = [fixture for name, fixture in SYNTHESIZED.items() if load_environment(name).owns_account_baseline]
USERS = [fixture for name, fixture in SYNTHESIZED.items() if not load_environment(name).owns_account_baseline]


@pytest.mark.parametrize("environment", OWNERS)
def test_an_account_owner_enables_guardduty_and_security_hub(request, environment: str) -> None:
    synthesized = request.getfixturevalue(environment)
    assert synthesized.only("security", "aws_guardduty_detector")["enable"] is True
    hub = synthesized.only("security", "aws_securityhub_account")
    assert hub["auto_enable_controls"] is True
    assert len(synthesized.resources("security", "aws_securityhub_standards_subscription")) == 2


@pytest.mark.parametrize("environment", USERS)
def test_a_stage_sharing_the_account_makes_neither(request, environment: str) -> None:
    synthesized = request.getfixturevalue(environment)
    assert not synthesized.resources("security", "aws_guardduty_detector")
    assert not synthesized.resources("security", "aws_securityhub_account")


@pytest.mark.parametrize("service", ["guardduty", "security_hub", "config_recording"])
def test_an_owner_that_turns_either_off_is_refused(tmp_path, service: str) -> None:
    source = (ENVIRONMENTS_DIR / "intakeiq.yaml").read_text()
    assert "\nsecurity:\n" in source
    (tmp_path / "intakeiq.yaml").write_text(source.replace("\nsecurity:\n", f"\nsecurity:\n  {service}: false\n", 1))
    with pytest.raises(ConfigError, match=rf"(?s)intakeiq\.yaml.*security\.{service}: the environment owning"):
        load_environment("intakeiq", directory=tmp_path)
