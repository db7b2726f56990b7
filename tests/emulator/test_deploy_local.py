"""End to end: each account's baseline applied to the local emulator, then every layer of each of
its environments in order through the S3 backend, re-planned with no changes, outputs read,
destroyed in reverse order; then the baseline shown in place, and destroyed last."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from hipaa_platform import BASELINE, LAYERS
from hipaa_platform.config.loader import available_environments, load_environment
from hipaa_platform.targets import PROJECT_ROOT
from hipaa_platform.targets.emulator_unsupported import UNSUPPORTED_ON_EMULATOR

pytestmark = pytest.mark.emulator


def deploy_local(environments: tuple[str, ...], timeout: int) -> str:
    """Run deploy-local with the release rehearsal; assert it passed, applied, rehearsed and destroyed
    every layer with clean re-plans."""
    arguments = [a for name in environments for a in ("--env", name)]
    result = subprocess.run(
        [sys.executable, "-O", "-m", "hipaa_platform", "deploy-local", "--rehearse", *arguments],  # as `make rehearse`
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=timeout,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    prefix = len(environments) > 1
    for name in environments:
        for layer in LAYERS:
            mark = f"{name}: " if prefix else ""
            assert f"{mark}apply    {layer}" in output and f"{mark}destroy  {layer}" in output
    account = load_environment(environments[0]).account
    assert f"account {account}: apply    {BASELINE}" in output and f"account {account}: destroy  {BASELINE}" in output
    # the baseline outlived its stages: read back after their destroy, before its own
    kept = f"account {account}: with {', '.join(environments)} destroyed, its baseline is in place: trail "
    assert kept in output
    assert "129 of the conformance pack's 129 rules in AWS Config" in output[output.index(kept) :]
    assert output.index(kept) > max(output.index(f"{mark}destroy  networking") for mark in marks(environments))
    assert output.index(kept) < output.index(f"account {account}: destroy  {BASELINE}")
    assert output.count("no changes") == len(LAYERS) * len(environments) + 1
    assert "DRIFT" not in output
    for name in environments:
        assert f"{name}: rehearsal: IAM enforcement off" in output, f"{name} was not rehearsed"
    return output


def marks(environments: tuple[str, ...]) -> list[str]:
    return [f"{name}: " for name in environments] if len(environments) > 1 else [""]


def deployment_groups() -> list[tuple[str, ...]]:
    """The environments of one account (MenoTime's three stages) deploy side by side into one
    emulator account, after its baseline; every other environment has an account of its own."""
    groups: dict[str, list[str]] = {}
    for name in available_environments():
        if name not in DEPLOYED_IN_ANOTHER_MODULE:
            groups.setdefault(load_environment(name).account, []).append(name)
    return [tuple(names) for names in groups.values()]


# What a run must print besides the common checks, per environment: its release rehearsal's steps
# among them (docs/ci.md: immutable tags ship as new revisions and roll back; moving tags force a
# new deployment; blue-green builds push and the pipeline registers; static sites sync).
EXPECTED_OUTPUT = {
    "medisync-prod": (
        "cluster_name = medisync-cluster",
        "medisync-prod: rehearsal: ingestion-service: arn:aws:iam::",
        "CodeDeploy's traffic shift and its rollback are not on the emulator",
    ),
    # outputs are printed verbatim, ARNs included
    "clubapp-dev": (
        "cluster_name = clubapp-dev-ecs",
        "vpc_id = vpc-",
        "  data: aws_elasticache_user_group (clubapp-dev-redis user group): moto does not implement CreateUserGroup",
        ":secret:rds!db-",
        "clubapp-dev: rehearsal: clubapp-dev-svc: rolled back: latest on 0a1b2c3d4e5f6071 again",
    ),
    # the three stages use the account's baseline, applied before them, and wait for no other stage
    "menotime-dev": (
        "account menotime: its baseline is applied before menotime-dev, menotime-prod, menotime-staging",
        *(
            f"menotime-{stage}: rehearsal: menotime-{stage}-backend: rolled back to menotime-{stage}-backend:1"
            for stage in ("dev", "staging", "prod")
        ),
    ),
    "secure-portal": (
        "cluster_name = aws-sec-pillar-cluster",
        "aws_db_instance_automated_backups_replication",
        "secure-portal: rehearsal: backend-service: rolled back to backend-task:1",
        "secure-portal: rehearsal: synced the static site into aws-sec-pillar-website-",
    ),
}


# With every deployment of the suite side by side on two cores, a deployment sometimes failed under
# load: the provider's SDK re-sent a call the emulator had already carried out (an ELBv2 CreateRule
# answered PriorityInUse, a default egress rule revoked twice). The emulator now answers a re-send
# from its first attempt (emulator.ResentRequests); the rerun stays for what load may still break.
# It starts from a fresh emulator with less beside it; a real defect fails every attempt. `make test`
# prints each failed attempt's traceback (--rerun-show-tracebacks), so a passing rerun still says why.
# IntakeIQ's deployment is test_deployed_intakeiq.py's: every layer of its file, with a second
# service, applied, re-planned with no changes and destroyed, then reviewed, drifted and cancelled.
# A second deployment of the same file here would cost the suite its CPU and cover nothing more.
DEPLOYED_IN_ANOTHER_MODULE = ("intakeiq",)


@pytest.mark.flaky(reruns=2)
@pytest.mark.parametrize("environments", deployment_groups(), ids="+".join)
def test_deploy_local(environments: tuple[str, ...]) -> None:
    """Every environment the repository holds, with each type the emulator cannot create left out
    and reported. Each group runs in its own process with its own emulator, so under pytest-xdist
    the groups deploy side by side. Which types each environment leaves out is checked against its
    real synthesis in the unit tier (test_emulator_skips.py); here, that the report lists them and
    the deployed layers hold none of them."""
    output = deploy_local(environments, timeout=2700)
    for name in environments:
        skips = reported_skips(output, name)
        for layer in {layer for layer, _ in skips}:
            deployed = json.loads(
                (PROJECT_ROOT / "build" / "emulator" / name / "stacks" / layer / "cdk.tf.json").read_text()
            )
            for resource_type in {t for skipped_layer, t in skips if skipped_layer == layer}:
                assert resource_type in UNSUPPORTED_ON_EMULATOR
                assert resource_type not in deployed.get("resource", {})
        for text in EXPECTED_OUTPUT.get(name, ()):
            assert text in output
    assert "re-sent requests answered from their first attempt" in output


def reported_skips(output: str, name: str) -> list[tuple[str, str]]:
    """The (layer, resource type) of each line under "<name>: skipped on the emulator: N item(s)"."""
    header = re.search(rf"^{re.escape(name)}: skipped on the emulator: (\d+) item\(s\).*$", output, re.MULTILINE)
    assert header, f"{name}: no report of what the emulator left out"
    lines = output[header.end() + 1 :].splitlines()[: int(header.group(1))]
    items = [re.match(rf"  ({'|'.join(LAYERS)}): (aws_\w+) \(", line) for line in lines]
    assert items and all(items), lines
    return [(item.group(1), item.group(2)) for item in items]


def test_the_stages_of_one_base_deploy_into_one_account() -> None:
    """MenoTime's stages share an account: one deployment, whose owner of the baseline is among them."""
    groups = deployment_groups()
    assert ("menotime-dev", "menotime-prod", "menotime-staging") in groups
    assert all(len(group) == 1 for group in groups if not group[0].startswith("menotime-"))


def test_cdktf_cli_deploys_and_destroys_one_layer(tmp_path) -> None:
    """`cdktf deploy networking` as a user runs it, with the S3 backend on the emulator."""
    from hipaa_platform.config.loader import load_environment
    from hipaa_platform.emulator.server import emulator_with_state_bucket
    from hipaa_platform.operations import terraform

    environment = load_environment("intakeiq")
    cdktf = PROJECT_ROOT / "node_modules" / ".bin" / "cdktf"
    outdir = tmp_path / "cdktf.out"
    with emulator_with_state_bucket(environment) as emulator_run:
        emulator = emulator_run.emulator
        env = {
            **emulator_run.terraform_env,
            # cdktf runs terraform init without the project's lock around the shared plugin cache, so
            # it gets a cache of its own: the other runs' inits and validates never meet it.
            "TF_CLI_CONFIG_FILE": str(terraform.write_cli_config(tmp_path / "terraform")),
            "PLATFORM_ENV": "intakeiq",
            "PLATFORM_STATE": "emulator",
            "PLATFORM_EMULATOR_ENDPOINT": emulator.endpoint,
            "PATH": f"{PROJECT_ROOT / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}",
            "CI": "true",
            "NODE_OPTIONS": "--no-deprecation --max-old-space-size=4096",
        }

        def cdktf_run(*args: str) -> str:
            result = subprocess.run(
                [str(cdktf), *args, "--output", str(outdir)],
                cwd=PROJECT_ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
            # CHECKPOINT_DISABLE (terraform_environment) keeps the offline version check quiet
            assert "checkpoint-api.hashicorp.com" not in result.stdout + result.stderr
            return result.stdout

        # --skip-provider-lock: the lock step asks the public registry, which offline machines cannot reach.
        deployed = cdktf_run("deploy", "networking", "--auto-approve", "--skip-provider-lock")
        assert "Apply complete!" in deployed
        s3 = __import__("boto3").client("s3", region_name=environment.region, **emulator.boto_kwargs())
        state = s3.get_object(Bucket=environment.state.bucket, Key="intakeiq/networking/terraform.tfstate")
        assert b'"vpc_id"' in state["Body"].read()
        # Its dependants (security ...) were never deployed here, so cdktf is told not to wait for them.
        # --skip-synth: the deploy above synthesized this very output.
        destroyed = cdktf_run(
            "destroy",
            "networking",
            "--auto-approve",
            "--skip-provider-lock",
            "--skip-synth",
            "--ignore-missing-stack-dependencies",
        )
        assert "Destroy complete!" in destroyed
