"""End to end: every layer of IntakeIQ and of MediSync applied in order to the local emulator
through the S3 backend, re-planned with no changes, outputs read, destroyed in reverse order."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from hipaa_platform import LAYERS
from hipaa_platform.targets import PROJECT_ROOT

pytestmark = pytest.mark.emulator


def deploy_local(environment: str, timeout: int) -> str:
    """Run deploy-local; assert it passed, applied and destroyed every layer with clean re-plans."""
    result = subprocess.run(
        [sys.executable, "-m", "hipaa_platform", "deploy-local", "--env", environment],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=timeout,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    for layer in LAYERS:
        assert f"apply    {layer}" in output and f"destroy  {layer}" in output
    assert output.count("no changes") == len(LAYERS)
    assert "DRIFT" not in output
    return output


def test_deploy_local_intakeiq() -> None:
    output = deploy_local("intakeiq", timeout=1800)
    assert "skipped on the emulator: 1 item(s)" in output
    assert "observability: aws_budgets_budget (monthly cost budget)" in output
    assert "vpc_id = vpc-" in output
    assert ":secret:rds!db-" in output  # outputs are printed verbatim, ARNs included


def test_deploy_local_medisync(medisync_on_emulator) -> None:
    """The largest environment, with every type the emulator cannot create left out and reported."""
    output = deploy_local("medisync-prod", timeout=2700)
    assert f"skipped on the emulator: {len(medisync_on_emulator.skipped)} item(s)" in output
    for skip in medisync_on_emulator.skipped:
        assert f"{skip.layer}: {skip.resource_type} ({skip.what})" in output
    assert "cluster_name = medisync-cluster" in output


def test_cdktf_cli_deploys_and_destroys_one_layer(tmp_path) -> None:
    """`cdktf deploy networking` as a user runs it, with the S3 backend on the emulator."""
    from hipaa_platform.emulator import emulator_with_state_bucket
    from hipaa_platform.loader import load_environment

    environment = load_environment("intakeiq")
    cdktf = PROJECT_ROOT / "node_modules" / ".bin" / "cdktf"
    outdir = tmp_path / "cdktf.out"
    with emulator_with_state_bucket(environment) as emulator_run:
        emulator = emulator_run.emulator
        env = {
            **emulator_run.terraform_env,
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
            return result.stdout

        # --skip-provider-lock: the lock step asks the public registry, which offline machines cannot reach.
        deployed = cdktf_run("deploy", "networking", "--auto-approve", "--skip-provider-lock")
        assert "Apply complete!" in deployed
        s3 = __import__("boto3").client("s3", region_name=environment.region, **emulator.boto_kwargs())
        state = s3.get_object(Bucket=environment.state.bucket, Key="intakeiq/networking/terraform.tfstate")
        assert b'"vpc_id"' in state["Body"].read()
        # Its dependants (security ...) were never deployed here, so cdktf is told not to wait for them.
        destroyed = cdktf_run(
            "destroy", "networking", "--auto-approve", "--skip-provider-lock", "--ignore-missing-stack-dependencies"
        )
        assert "Destroy complete!" in destroyed
