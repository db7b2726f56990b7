"""End to end: every IntakeIQ layer applied in order to the local emulator through the S3
backend, re-planned with no changes, outputs read, destroyed in reverse order."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hipaa_platform import LAYERS
from hipaa_platform.targets import PROJECT_ROOT

pytestmark = pytest.mark.emulator


def test_deploy_local_intakeiq() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hipaa_platform", "deploy-local", "--env", "intakeiq"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "COLUMNS": "200"},
        timeout=1800,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    for layer in LAYERS:
        assert f"apply    {layer}" in output and f"destroy  {layer}" in output
    assert output.count("no changes") == len(LAYERS)
    assert "DRIFT" not in output
    assert "skipped on the emulator:" in output
    assert "vpc_id = vpc-" in output
