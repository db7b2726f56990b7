"""A layered, HIPAA-grade ECS Fargate platform described with CDK for Terraform."""

from pathlib import Path

from hipaa_platform.synth.jsii_runtime import use_direct_runtime

LAYERS = ("networking", "security", "data", "compute", "pipeline", "observability")
# Terraform `moved` blocks of a layer, beside its cdk.tf.json (hipaa_platform.synth.addresses).
MOVES_FILE = "moved.tf.json"

# Before any module of the package loads the bindings, which start jsii's kernel.
use_direct_runtime(Path(__file__).resolve().parent.parent / "build" / "jsii-runtime")
