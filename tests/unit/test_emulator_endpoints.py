"""On the emulator target every resource must call loopback: each resource type the environments
use maps to a provider endpoint the emulator target overrides."""

from __future__ import annotations

import pytest

from hipaa_platform.targets import EMULATED_SERVICES, endpoint_for
from tests.conftest import FIXTURES


@pytest.mark.parametrize("environment", FIXTURES)
def test_every_resource_type_has_an_emulated_endpoint(request, environment: str) -> None:
    synthesized = request.getfixturevalue(environment)
    types = {t for stack in synthesized.stacks.values() for t in stack.get("resource", {})}
    unmapped = sorted(t for t in types if endpoint_for(t) not in EMULATED_SERVICES)
    assert unmapped == []


def test_an_unknown_resource_type_has_no_endpoint() -> None:
    assert endpoint_for("aws_lambda_function") is None
    assert endpoint_for("aws_cloudwatch_log_group") == "cloudwatchlogs"
    assert endpoint_for("aws_cloudwatch_metric_alarm") == "cloudwatch"
    assert endpoint_for("aws_lb_listener_rule") == "elbv2"
