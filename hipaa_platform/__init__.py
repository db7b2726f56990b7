"""A layered, HIPAA-grade ECS Fargate platform described with CDK for Terraform."""

LAYERS = ("networking", "security", "data", "compute", "pipeline", "observability")
# Terraform `moved` blocks of a layer, beside its cdk.tf.json (hipaa_platform.addresses).
MOVES_FILE = "moved.tf.json"
