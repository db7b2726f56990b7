"""A layered, HIPAA-grade ECS Fargate platform described with CDK for Terraform."""

LAYERS = ("networking", "security", "data", "compute", "pipeline", "observability")
