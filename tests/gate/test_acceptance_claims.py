"""The gate's claims (hipaa_platform/gate/claims.py) hold in every environment and bite when their
control is gone. A reason that names a control no claim covers fails the first test, so a new reason
of that kind comes with its check."""

from __future__ import annotations

import pytest

from hipaa_platform.gate.claims import (
    NAMES_A_CONTROL,
    NOT_A_CLAIM,
    acceptances,
    claim_of,
    database_backups_as_stated,
    unfounded_claims,
)
from tests.conftest import ACCOUNTS, ENVIRONMENTS


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_reason_that_names_a_control_is_a_known_claim(synthesis_of, environment: str) -> None:
    unknown = [
        f"{a.layer}: {a.address} {a.check_id}: {a.reason}"
        for a in acceptances(synthesis_of(environment))
        if NAMES_A_CONTROL.search(a.reason)
        and claim_of(a) is None
        and not (a.check_id in NOT_A_CLAIM and NOT_A_CLAIM[a.check_id] in a.reason)
    ]
    assert not unknown, "reasons naming a control with no claim to check it:\n" + "\n".join(unknown)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_claimed_control_exists(synthesis_of, environment: str) -> None:
    assert unfounded_claims(synthesis_of(environment)) == []


@pytest.mark.parametrize("account", ACCOUNTS)
def test_every_claimed_control_of_a_baseline_exists(baseline_of, account: str) -> None:
    assert unfounded_claims(baseline_of(account)) == []


def test_a_claim_fails_when_its_control_is_gone(intakeiq) -> None:
    """The verifiers bite: IntakeIQ without its flow log or its memory alarm."""
    import copy

    broken = copy.deepcopy(intakeiq)
    broken.stacks["security"]["resource"].pop("aws_flow_log")
    for alarm in broken.stacks["observability"]["resource"]["aws_cloudwatch_metric_alarm"].values():
        if alarm.get("metric_name") == "MemoryUtilization":
            alarm["metric_name"] = "Other"
    found = {a.check_id: claim_of(a)(broken, a) for a in acceptances(broken) if claim_of(a)}
    assert found["CKV2_AWS_11"] == "no flow log of the VPC in the security layer"
    assert found["CKV_AWS_65"] == "no ECS alarm on MemoryUtilization"
    db = broken.stacks["data"]["resource"]["aws_db_instance"]["database"]
    db["backup_retention_period"] = 7
    (database,) = [a for a in acceptances(broken) if a.check_id == "CKV_AWS_157"]
    assert database_backups_as_stated(broken, database) == "the database keeps backups 7 days, not 35"


def test_the_redirect_claim_fails_when_port_80_forwards(intakeiq) -> None:
    import copy

    broken = copy.deepcopy(intakeiq)
    for listener in broken.stacks["compute"]["resource"]["aws_lb_listener"].values():
        if listener["port"] == 80:
            listener["default_action"] = [{"type": "forward", "target_group_arn": "arn:aws:elasticloadbalancing:x"}]
    claims = [a for a in acceptances(broken) if a.check_id == "CKV_HIPAA_22"]
    assert claims and all(
        claim_of(a)(broken, a) == "the port-80 listener does something other than a 301 redirect to HTTPS"
        for a in claims
    )


def test_the_public_tier_claim_fails_when_a_private_subnet_routes_to_the_gateway(intakeiq) -> None:
    import copy

    broken = copy.deepcopy(intakeiq)
    resources = broken.stacks["networking"]["resource"]
    private_table = next(name for name in resources["aws_route_table"] if "private" in name)
    resources["aws_route"]["fixture-private-to-igw"] = {
        "route_table_id": f"${{aws_route_table.{private_table}.id}}",
        "destination_cidr_block": "0.0.0.0/0",
        "gateway_id": next(f"${{aws_internet_gateway.{name}.id}}" for name in resources["aws_internet_gateway"]),
    }
    claims = [a for a in acceptances(broken) if a.check_id == "CKV_HIPAA_23"]  # the route, and its table for plans
    assert {a.resource_type for a in claims} == {"aws_route", "aws_route_table"}
    assert all(
        claim_of(a)(broken, a) == "a route table of a subnet outside the public tier routes to the internet gateway"
        for a in claims
    )


def test_the_access_log_claim_fails_without_the_stages_log(medisync) -> None:
    import copy

    broken = copy.deepcopy(medisync)
    (claim,) = [a for a in acceptances(broken) if a.check_id == "CKV_HIPAA_25"]
    assert claim_of(claim)(broken, claim) == ""
    del broken.stacks[claim.layer]["resource"][claim.resource_type][claim.name]["access_log_settings"]
    assert claim_of(claim)(broken, claim) == "the stage writes no access log to an encrypted log group"
