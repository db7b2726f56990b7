"""The AWS managed policies the platform attaches, as far as the access check evaluates them:
their statements on S3, KMS, Secrets Manager, SQS, SNS, DynamoDB, RDS, ECR, ECS and CloudWatch
Logs. Statements on other services are left out (they grant nothing the check asks about), so a
policy here grants at most what AWS's own does. Source of each: the AWS Managed Policy Reference
Guide (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/<name>.html), read
2026-12-07. A policy attached but missing here fails the access check, so none is silently opaque."""

from __future__ import annotations

from hipaa_platform.access.policy import Policy

_BACKUP = {
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "dynamodb:DescribeTable",
                "dynamodb:CreateBackup",
                "dynamodb:DescribeBackup",
                "dynamodb:DeleteBackup",
                "dynamodb:ListBackups",
                "dynamodb:StartAwsBackupJob",
            ],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": [
                "rds:AddTagsToResource",
                "rds:ListTagsForResource",
                "rds:DescribeDBSnapshots",
                "rds:CreateDBSnapshot",
                "rds:CopyDBSnapshot",
                "rds:DescribeDBInstances",
                "rds:CreateDBClusterSnapshot",
                "rds:DescribeDBClusters",
                "rds:DescribeDBClusterSnapshots",
                "rds:CopyDBClusterSnapshot",
                "rds:DeleteDBSnapshot",
                "rds:DeleteDBClusterSnapshot",
            ],
            "Resource": "*",
        },
        {"Effect": "Allow", "Action": "kms:DescribeKey", "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": "kms:CreateGrant",
            "Resource": "*",
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
        {
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKeyWithoutPlaintext"],
            "Resource": "arn:aws:kms:*:*:key/*",
            "Condition": {"StringLike": {"kms:ViaService": ["ec2.*.amazonaws.com"]}},
        },
    ]
}
_RESTORES = {
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "dynamodb:Scan",
                "dynamodb:Query",
                "dynamodb:UpdateItem",
                "dynamodb:PutItem",
                "dynamodb:GetItem",
                "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem",
                "dynamodb:DescribeTable",
                "dynamodb:RestoreTableFromBackup",
            ],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": [
                "rds:DescribeDBInstances",
                "rds:DescribeDBSnapshots",
                "rds:RestoreDBInstanceFromDBSnapshot",
                "rds:RestoreDBClusterFromSnapshot",
                "rds:CreateDBInstance",
                "rds:DescribeDBClusters",
            ],
            "Resource": "*",
        },
        {"Effect": "Allow", "Action": ["kms:DescribeKey"], "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptTo", "kms:ReEncryptFrom"],
            "Resource": "*",
            "Condition": {
                "StringLike": {
                    "kms:ViaService": [
                        "dynamodb.*.amazonaws.com",
                        "ec2.*.amazonaws.com",
                        "elasticfilesystem.*.amazonaws.com",
                        "rds.*.amazonaws.com",
                        "redshift.*.amazonaws.com",
                    ]
                }
            },
        },
        {
            "Effect": "Allow",
            "Action": "kms:CreateGrant",
            "Resource": "*",
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
        },
    ]
}
_RDS_MONITORING = {
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
            "Resource": ["arn:aws:logs:*:*:log-group:RDS*"],
        },
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"],
            "Resource": ["arn:aws:logs:*:*:log-group:RDS*:log-stream:*"],
        },
    ]
}
_ECS_FOR_EC2 = {
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "ecs:DiscoverPollEndpoint",
                "ecs:CreateCluster",
                "ecs:RegisterContainerInstance",
                "ecs:DeregisterContainerInstance",
                "ecs:Poll",
                "ecs:StartTelemetrySession",
                "ecs:UpdateContainerInstancesState",
                "ecs:Submit*",
                "ecr:GetAuthorizationToken",
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchGetImage",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
            ],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": "ecs:TagResource",
            "Resource": "*",
            "Condition": {"StringEquals": {"ecs:CreateAction": ["CreateCluster", "RegisterContainerInstance"]}},
        },
    ]
}
_SSM_CORE = {
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "ssm:DescribeAssociation",
                "ssm:GetDeployablePatchSnapshotForInstance",
                "ssm:GetDocument",
                "ssm:DescribeDocument",
                "ssm:GetManifest",
                "ssm:GetParameter",
                "ssm:GetParameters",
                "ssm:ListAssociations",
                "ssm:ListInstanceAssociations",
                "ssm:PutInventory",
                "ssm:PutComplianceItems",
                "ssm:PutConfigurePackageResult",
                "ssm:UpdateAssociationStatus",
                "ssm:UpdateInstanceAssociationStatus",
                "ssm:UpdateInstanceInformation",
            ],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": [
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
            ],
            "Resource": "*",
        },
        {"Effect": "Allow", "Action": ["ec2messages:*"], "Resource": "*"},
    ]
}
_CODEDEPLOY_ECS = {
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "ecs:DescribeServices",
                "ecs:CreateTaskSet",
                "ecs:UpdateServicePrimaryTaskSet",
                "ecs:DeleteTaskSet",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:ModifyRule",
                "lambda:InvokeFunction",
                "cloudwatch:DescribeAlarms",
                "sns:Publish",
            ],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion"],
            "Resource": "*",
            "Condition": {"StringEquals": {"s3:ExistingObjectTag/UseWithCodeDeploy": "true"}},
        },
        {
            "Effect": "Allow",
            "Action": ["iam:PassRole"],
            "Resource": "*",
            "Condition": {"StringLike": {"iam:PassedToService": ["ecs-tasks.amazonaws.com"]}},
        },
    ]
}

MANAGED_POLICIES = {
    name: Policy.parse(f"AWS managed policy {name}", document)
    for name, document in {
        "AWSBackupServiceRolePolicyForBackup": _BACKUP,
        "AWSBackupServiceRolePolicyForRestores": _RESTORES,
        "AmazonRDSEnhancedMonitoringRole": _RDS_MONITORING,
        "AmazonEC2ContainerServiceforEC2Role": _ECS_FOR_EC2,
        "AmazonSSMManagedInstanceCore": _SSM_CORE,
        "AWSCodeDeployRoleForECS": _CODEDEPLOY_ECS,
    }.items()
}
