"""What the data layer publishes: its outputs, read downstream by name."""

from __future__ import annotations

from dataclasses import dataclass

from hipaa_platform.contracts.base import LayerOutputs, described


@dataclass(frozen=True)
class DataOutputs(LayerOutputs):
    LAYER = "data"
    database_identifier: str = described("RDS instance or Aurora cluster identifier, for alarms and operations")
    database_endpoint: str = described("Database endpoint host name (private; the Aurora writer endpoint)")
    database_port: float = described("Database engine port")
    database_master_secret_arn: str = described("Secrets Manager secret RDS keeps the master credentials in")
    bucket_names: dict[str, str] = described("Application bucket name by its name in data.buckets")
    bucket_arns: dict[str, str] = described("Application bucket ARN by its name in data.buckets")
    access_log_bucket_name: str = described("Bucket receiving S3 server access logs and load balancer access logs")
    queue_names: dict[str, str] = described("SQS queue name by its name in data.queues")
    dead_letter_queue_names: dict[str, str] = described("Dead-letter queue name by its queue's name in data.queues")
    topic_arns: dict[str, str] = described("SNS topic ARN by its name in data.topics")
    table_names: dict[str, str] = described("DynamoDB table name by its name in data.tables")
    database_secret_key_arn: str = described("KMS key of the master-credentials secret RDS manages")
    cache_endpoint: str = described("data.redis's primary endpoint host name; empty without data.redis")
