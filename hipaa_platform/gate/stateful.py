"""Resource types whose destruction loses data, the means to read it, or values set out of band
after deploy (the plan guard blocks their replacement; production refuses their destroy)."""

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
        "aws_secretsmanager_secret_version",  # a value written by hand after deploy
        "aws_ssm_parameter",  # SecureString values are set out of band (docs/operations.md)
        "aws_ecr_repository",  # every image pushed to it
        "aws_sqs_queue",  # messages in flight
        "aws_cloudwatch_event_archive",  # archived events, the replay source
        "aws_backup_vault",  # recovery points
        "aws_backup_vault_lock_configuration",  # a compliance lock cannot be re-created as it was
    }
)

# What an account baseline keeps as evidence, or the means to read it: refuses destroy outside the emulator.
EVIDENCE_TYPES = STATEFUL_TYPES | {
    "aws_cloudtrail",
    "aws_config_configuration_recorder",
    "aws_config_delivery_channel",
    "aws_guardduty_detector",  # its findings
    "aws_securityhub_account",  # its findings
    "aws_accessanalyzer_analyzer",  # its findings
}
