"""Every custom checkov check has a passing and a failing fixture, run through checkov itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hipaa_platform.gate import POLICIES_DIR
from hipaa_platform.secrets_policy import secret_finding
from hipaa_platform.targets import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures"


def checkov(fixture: str, check_id: str) -> dict:
    command = [
        str(Path(sys.executable).with_name("checkov")),
        "--directory", str(FIXTURES / fixture),
        "--framework", "terraform_json",
        "--external-checks-dir", str(POLICIES_DIR),
        "--check", check_id,
        "--skip-download",
        "--output", "json",
    ]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), BC_SKIP_MAPPING="TRUE")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    return json.loads(result.stdout)["summary"]


@pytest.mark.parametrize(("fixture", "passed", "failed"), [("pass", 1, 0), ("fail", 0, 1)])
def test_ecs_no_plaintext_secrets(fixture: str, passed: int, failed: int) -> None:
    summary = checkov(fixture, "CKV_HIPAA_1")
    assert (summary["passed"], summary["failed"]) == (passed, failed)


@pytest.mark.parametrize(
    ("name", "value", "flagged"),
    [
        ("DB_PASS", "changeme123!", True),
        ("NEXTAUTH_SECRET", "abc", True),
        ("DATABASE_URL", "postgresql://app:hunter2@db:5432/app", True),
        ("ANYTHING", "AKIAABCDEFGHIJKLMNOP", True),
        ("DB_HOST", "db.internal", False),
        ("NEXT_TELEMETRY_DISABLED", "1", False),
        ("KMS_KEY_ID", "alias/intakeiq-phi-key", False),
        ("DATABASE_URL", "postgresql://db:5432/app", False),
    ],
)
def test_secret_finding(name: str, value: str, flagged: bool) -> None:
    assert (secret_finding(name, value) is not None) is flagged
