"""Reordering lists in an environment file and deploying one layer alone changes nothing.

IntakeIQ with a second service is deployed in full. Its services and its parameters are then
reversed in a copy of the file, only `compute` is deployed from the copy (the documented per-layer
workflow), and the emulator is asked what each service runs with: its own task role, execution
role and security group. Finally every layer of the reordered copy plans no changes."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from hipaa_platform import LAYERS, terraform
from hipaa_platform.config import Environment
from hipaa_platform.deploy import LayerRun, apply_layer, destroy_layer, log_path
from hipaa_platform.loader import ENVIRONMENTS_DIR
from hipaa_platform.naming import Namer

pytestmark = pytest.mark.emulator

WORKER = {
    "name": "intake-worker",
    "container_name": "worker",
    "cpu": 256,
    "memory": 512,
    "desired_count": 1,
    "container_port": 8080,
    "subnet_tier": "public",
    "assign_public_ip": True,
    "routes": ["/worker/*"],
    "route_priority": 90,
    "health_check": {
        "command": ["CMD-SHELL", "wget --no-verbose --tries=1 --spider http://localhost:8080/ || exit 1"],
        "interval_seconds": 30,
        "timeout_seconds": 5,
        "retries": 3,
        "start_period_seconds": 60,
    },
    "secrets": ["PHI_ENCRYPTION_KEY"],
    "log_retention_days": 2557,
}


def two_services() -> dict:
    document = yaml.safe_load((ENVIRONMENTS_DIR / "intakeiq.yaml").read_text())
    document["compute"]["services"][0]["route_priority"] = 100
    document["compute"]["services"].append(WORKER)
    return document


def reordered(document: dict) -> dict:
    changed = copy.deepcopy(document)
    changed["compute"]["services"].reverse()
    changed["security"]["parameters"].reverse()
    return changed


def what_each_service_runs_with(boto_kwargs: dict, environment: Environment) -> dict[str, tuple[str, str, str]]:
    """Service name -> (task role name, execution role name, security group name), read from the emulator."""
    import boto3

    ecs = boto3.client("ecs", region_name=environment.region, **boto_kwargs)
    ec2 = boto3.client("ec2", region_name=environment.region, **boto_kwargs)
    cluster = environment.compute.cluster_name
    found = {}
    for described in ecs.describe_services(cluster=cluster, services=[s.name for s in environment.compute.services])[
        "services"
    ]:
        task = ecs.describe_task_definition(taskDefinition=described["taskDefinition"])["taskDefinition"]
        (group_id,) = described["networkConfiguration"]["awsvpcConfiguration"]["securityGroups"]
        (group,) = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
        found[described["serviceName"]] = (
            task["taskRoleArn"].rsplit("/", 1)[1],
            task["executionRoleArn"].rsplit("/", 1)[1],
            group["GroupName"],
        )
    return found


def expected(environment: Environment) -> dict[str, tuple[str, str, str]]:
    namer = Namer(environment.name_prefix)
    return {
        s.name: (
            namer.for_service(s.container_name, "ecs-task-role"),
            namer.for_service(s.container_name, "ecs-execution-role"),
            namer.for_service(s.container_name, "ecs-sg"),
        )
        for s in environment.compute.services
    }


def test_reordered_services_keep_their_roles_and_groups(tmp_path: Path) -> None:
    from hipaa_platform.app import synthesize
    from hipaa_platform.emulator import emulator_with_state_bucket

    original = Environment.model_validate(two_services())
    swapped = Environment.model_validate(reordered(two_services()))
    assert [s.name for s in swapped.compute.services] == ["intake-worker", "intakeiq-service"]

    with emulator_with_state_bucket(original) as emulator_run:
        tf_env = emulator_run.terraform_env
        first, second = tmp_path / "original", tmp_path / "reordered"
        synthesize(original, emulator_run.target, first)
        synthesize(swapped, emulator_run.target, second)
        applied: list[LayerRun] = []
        try:
            for layer in LAYERS:
                applied.append(LayerRun(layer))
                apply_layer(first / "stacks" / layer, tf_env, applied[-1], log_path(first, layer))
            assert what_each_service_runs_with(emulator_run.emulator.boto_kwargs(), original) == expected(original)

            # The reordered file, and only the compute layer deployed from it.
            apply_layer(second / "stacks" / "compute", tf_env, LayerRun("compute"), log_path(second, "compute"))
            runs_with = what_each_service_runs_with(emulator_run.emulator.boto_kwargs(), swapped)
            assert runs_with == expected(swapped)

            unchanged = {}
            for layer in LAYERS:
                stack = second / "stacks" / layer
                terraform.init(stack, tf_env)
                plan = terraform.run(
                    ["plan", "-detailed-exitcode", "-input=false", "-no-color"],
                    stack,
                    tf_env,
                    check=False,
                    log=log_path(second, layer),
                )
                unchanged[layer] = plan.returncode
            assert unchanged == dict.fromkeys(LAYERS, 0), f"exit 2 means changes; logs in {second / 'logs'}"
        finally:
            for run in reversed(applied):
                destroy_layer(first / "stacks" / run.layer, tf_env, run, log_path(first, run.layer))
