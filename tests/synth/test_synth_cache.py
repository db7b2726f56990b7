"""The synthesis cache: an unchanged environment is not synthesized again; any changed input is."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hipaa_platform import LAYERS
from hipaa_platform.synth.cache import SOURCE_DIRS, SOURCE_FILES, SynthInputs
from hipaa_platform.targets import PROJECT_ROOT, StateBackend, Target

LOCAL = Target(local_state_root=Path("/tmp/state"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of every input a synthesis reads, so a test can change one."""
    root = tmp_path / "project"
    for folder in (*SOURCE_DIRS, "environments", "moved"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in SOURCE_FILES:
        shutil.copy(PROJECT_ROOT / name, root / name)
    return root


def synthesized(outdir: Path, inputs: SynthInputs) -> Path:
    """An output folder as a completed synthesis leaves it."""
    for layer in LAYERS:
        (outdir / "stacks" / layer).mkdir(parents=True)
        (outdir / "stacks" / layer / "cdk.tf.json").write_text("{}")
    inputs.record(outdir)
    return outdir


def test_unchanged_inputs_are_current(project: Path, tmp_path: Path) -> None:
    outdir = synthesized(tmp_path / "out", SynthInputs.of("intakeiq", LOCAL, project))
    assert SynthInputs.of("intakeiq", LOCAL, project).is_current(outdir) is True


@pytest.mark.parametrize(
    "change",
    [
        "environments/intakeiq.yaml",
        "moved/intakeiq.json",
        "modules/shared/s3_bucket.py",
        "layers/data.py",
        "Pipfile.lock",
        "package-lock.json",
    ],
)
def test_a_changed_input_synthesizes_again(project: Path, tmp_path: Path, change: str) -> None:
    outdir = synthesized(tmp_path / "out", SynthInputs.of("intakeiq", LOCAL, project))
    with (project / change).open("a") as edited:
        edited.write("\n# edited\n")
    assert SynthInputs.of("intakeiq", LOCAL, project).is_current(outdir) is False


def test_a_new_module_synthesizes_again(project: Path, tmp_path: Path) -> None:
    outdir = synthesized(tmp_path / "out", SynthInputs.of("intakeiq", LOCAL, project))
    (project / "modules" / "new_construct.py").write_text('"""new"""\n')
    assert SynthInputs.of("intakeiq", LOCAL, project).is_current(outdir) is False


def test_a_changed_base_synthesizes_its_stages_again(project: Path, tmp_path: Path) -> None:
    environments = project / "environments"
    (environments / "base").mkdir(exist_ok=True)
    (environments / "base" / "app.yaml").write_text("region: us-east-1\n")
    (environments / "app-dev.yaml").write_text("base: app\nname: app-dev\n")
    outdir = synthesized(tmp_path / "out", SynthInputs.of("app-dev", LOCAL, project))
    assert SynthInputs.of("app-dev", LOCAL, project).is_current(outdir) is True
    (environments / "base" / "app.yaml").write_text("region: us-west-2\n")
    assert SynthInputs.of("app-dev", LOCAL, project).is_current(outdir) is False


def test_output_of_another_environment_is_never_reused(project: Path, tmp_path: Path) -> None:
    outdir = synthesized(tmp_path / "out", SynthInputs.of("medisync-prod", LOCAL, project))
    assert SynthInputs.of("intakeiq", LOCAL, project).is_current(outdir) is False


def test_another_state_backend_synthesizes_again(project: Path, tmp_path: Path) -> None:
    outdir = synthesized(tmp_path / "out", SynthInputs.of("intakeiq", LOCAL, project))
    s3 = Target(backend=StateBackend.S3, local_state_root=LOCAL.local_state_root)
    assert SynthInputs.of("intakeiq", s3, project).is_current(outdir) is False


def test_an_incomplete_output_is_not_current(project: Path, tmp_path: Path) -> None:
    inputs = SynthInputs.of("intakeiq", LOCAL, project)
    outdir = synthesized(tmp_path / "out", inputs)
    (outdir / "stacks" / "observability" / "cdk.tf.json").unlink()
    assert inputs.is_current(outdir) is False


def test_a_failed_synthesis_leaves_nothing_current(project: Path, tmp_path: Path) -> None:
    inputs = SynthInputs.of("intakeiq", LOCAL, project)
    outdir = synthesized(tmp_path / "out", inputs)
    with pytest.raises(RuntimeError), inputs.recorded(outdir):  # as the CLI wraps a synthesis
        raise RuntimeError("the synthesis failed half-way")
    assert inputs.is_current(outdir) is False


def test_the_synth_command_skips_and_says_so(tmp_path: Path) -> None:
    outdir = tmp_path / "cdktf.out"
    environment = {k: v for k, v in os.environ.items() if k not in ("PLATFORM_STATE", "PLATFORM_EMULATOR_ENDPOINT")}
    synthesized(outdir, SynthInputs.of("intakeiq", Target()))
    command = [sys.executable, "-m", "hipaa_platform", "synth", "--env", "intakeiq", "--outdir", str(outdir)]
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "intakeiq is up to date" in " ".join(result.stdout.split())
    # the placeholder stacks are still there: nothing was synthesized over them
    assert (outdir / "stacks" / "networking" / "cdk.tf.json").read_text() == "{}"


def test_a_skipped_synthesis_loads_no_provider_bindings(tmp_path: Path) -> None:
    """The cache check and a skip cost the hashing only: the bindings (about 1 GB and 15 s to load) are
    imported only when a synthesis runs."""
    outdir = synthesized(tmp_path / "cdktf.out", SynthInputs.of("intakeiq", Target()))
    code = (
        "import sys; from pathlib import Path; import hipaa_platform.cli; "
        "from hipaa_platform.synth.cache import synthesize_if_changed; from hipaa_platform.targets import Target; "
        f"assert synthesize_if_changed('intakeiq', Target(), Path({str(outdir)!r})) is False; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('cdktf', 'constructs', 'jsii', 'layers')))"
    )
    environment = {k: v for k, v in os.environ.items() if k not in ("PLATFORM_STATE", "PLATFORM_EMULATOR_ENDPOINT")}
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=environment, capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
