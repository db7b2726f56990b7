"""A layered, HIPAA-grade ECS Fargate platform described with CDK for Terraform."""

from pathlib import Path

from hipaa_platform.synth.jsii_runtime import use_direct_runtime

LAYERS = ("networking", "security", "data", "compute", "pipeline", "observability")
# An account's baseline (layers/account_baseline.py): a stack of its own, applied before any layer.
BASELINE = "baseline"
UNITS = (BASELINE, *LAYERS)  # in the order they are applied
# Where an environment's synthesis keeps its account's baseline (<outdir>/account/stacks/baseline), for
# the reports that read the whole account (cost); it is deployed from its own synthesis (synth-baseline).
ACCOUNT_DIR = "account"
# Terraform `moved` blocks of a layer, beside its cdk.tf.json (hipaa_platform.synth.addresses).
MOVES_FILE = "moved.tf.json"

# Before any module of the package loads the bindings, which start jsii's kernel.
use_direct_runtime(Path(__file__).resolve().parent.parent / "build" / "jsii-runtime")
