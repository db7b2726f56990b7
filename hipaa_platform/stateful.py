"""Resource types whose destruction loses data or the means to read it."""

STATEFUL_TYPES = frozenset(
    {
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_rds_cluster_instance",
        "aws_s3_bucket",
        "aws_kms_key",
        "aws_dynamodb_table",
        "aws_elasticache_cluster",
        "aws_elasticache_replication_group",
        "aws_elasticache_serverless_cache",
        "aws_efs_file_system",
        "aws_cloudwatch_log_group",
        "aws_secretsmanager_secret",
    }
)
