"""Compliant and non-compliant cases for the controls that are decided in code, not config."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from hipaa_platform.errors import UserError
from hipaa_platform.gate.acceptances import accept_finding
from hipaa_platform.targets import StateBackend, Target

if TYPE_CHECKING:
    from cdktf import TerraformStack


@pytest.fixture
def stack(tmp_path) -> TerraformStack:
    from cdktf import App, TerraformStack  # here: cdktf starts a jsii kernel in every worker that collects this

    # An outdir of its own: App() would make cdktf.out/ in the project, where a cdktf CLI test synthesizes.
    return TerraformStack(App(outdir=str(tmp_path / "cdktf.out")), "fixture")


@pytest.fixture
def SecureBucket():
    # Imported when a test uses it: the provider bindings cost ~1 GB in every worker that collects this file.
    from modules.shared.s3_bucket import SecureBucket

    return SecureBucket


def test_a_bucket_without_kms_needs_a_stated_reason(stack, SecureBucket) -> None:
    with pytest.raises(ValueError, match="sse_s3_reason"):
        SecureBucket(stack, "logs", bucket_name="logs", kms_key_arn=None)
    SecureBucket(stack, "alb-logs", bucket_name="alb-logs", kms_key_arn=None, sse_s3_reason="ELB delivers to SSE-S3")


def test_an_acceptance_needs_a_real_reason(stack, SecureBucket) -> None:
    bucket = SecureBucket(stack, "cards", bucket_name="cards", kms_key_arn="arn:aws:kms:us-east-1:1:key/k")
    with pytest.raises(ValueError, match="at least 40"):
        accept_finding(bucket.bucket, "CKV_AWS_144", "single region")
    with pytest.raises(ValueError, match="not a checkov check id"):
        accept_finding(bucket.bucket, "AWS_144", "x" * 50)
    accept_finding(bucket.bucket, "CKV_AWS_21", "Versioning is configured by its own resource in this module here.")
    with pytest.raises(ValueError, match="already accepted"):
        accept_finding(bucket.bucket, "CKV_AWS_21", "Versioning is configured by its own resource in this module.")


def test_only_emulator_runs_are_disposable() -> None:
    assert Target().disposable is False
    assert Target(backend=StateBackend.S3).disposable is False
    assert Target(backend=StateBackend.EMULATOR, emulator_endpoint="https://127.0.0.1:4566").disposable is True


def test_the_emulator_endpoint_must_be_loopback() -> None:
    with pytest.raises(UserError, match="loopback"):
        Target(backend=StateBackend.EMULATOR, emulator_endpoint="https://10.0.0.5:4566")
    with pytest.raises(UserError, match="PLATFORM_EMULATOR_ENDPOINT"):
        Target(backend=StateBackend.EMULATOR)


def test_unknown_state_backend_names_the_allowed_values(monkeypatch) -> None:
    monkeypatch.setenv("PLATFORM_STATE", "gcs")
    with pytest.raises(UserError, match="allowed: local, s3, emulator"):
        Target.from_environment_variables()
