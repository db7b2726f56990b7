"""Session Manager on the container instances, as an auditor wants it: every session encrypted with
the environment's key and recorded in an encrypted log group kept as long as the other audit logs,
and an operator policy that opens sessions on this environment's instances only.

The session preferences are the account's regional `SSM-SessionManagerRunShell` document, which
`aws ssm start-session` uses when no other document is named; the environment that owns its
account's EC2 capacity owns it."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from cdktf_cdktf_provider_aws.ssm_document import SsmDocument
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.building.tagging import ENVIRONMENT_TAG
from modules.shared.iam import Statement, policy_document
from modules.shared.log_group import EncryptedLogGroup
from modules.shared.role_policy import role_policy

SESSION_PREFERENCES = "SSM-SessionManagerRunShell"
# Terraform would read "${aws:username}" as its own interpolation; "$$" leaves IAM's variable in the JSON.
OWN_SESSIONS = "session/$${aws:username}-*"


class OperatorSessions(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        namer: Namer,
        environment_name: str,
        instance_role_name: str,
        kms_key_arn: str,
        log_key_arn: str,
        retention_days: int,
        account: str,
        partition: str,
        region: str,
    ) -> None:
        super().__init__(scope, id)
        logs = EncryptedLogGroup(
            self, "logs", name=namer.log_group("ssm-sessions"), retention_days=retention_days, kms_key_arn=log_key_arn
        )
        self.document = SsmDocument(
            self,
            "preferences",
            name=SESSION_PREFERENCES,
            document_type="Session",
            document_format="JSON",
            content=json.dumps(
                {
                    "schemaVersion": "1.0",
                    "description": f"Session Manager preferences of {environment_name}: encrypted, recorded",
                    "sessionType": "Standard_Stream",
                    "inputs": {
                        "kmsKeyId": kms_key_arn,
                        "cloudWatchLogGroupName": logs.name,
                        "cloudWatchEncryptionEnabled": True,
                        "cloudWatchStreamingEnabled": True,
                        "s3BucketName": "",
                        "s3EncryptionEnabled": True,
                        "idleSessionTimeout": "20",
                        "runAsEnabled": False,
                    },
                }
            ),
        )
        arn = f"arn:{partition}"
        # The SSM agent on the instance writes the session's record and decrypts its data key.
        role_policy(
            self,
            "instance-records-sessions",
            name="record-sessions",
            role=instance_role_name,
            policy=policy_document(
                Statement(
                    sid="WriteSessionRecords",
                    actions=("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"),
                    resources=(f"{logs.arn}:*",),
                ),
                # The agent checks the group's encryption before it streams; the call takes no resource.
                Statement(sid="FindSessionLogGroup", actions=("logs:DescribeLogGroups",), resources=("*",)),
                Statement(sid="DecryptSessionData", actions=("kms:Decrypt",), resources=(kms_key_arn,)),
            ),
        )
        # Attached to operators' roles or groups by the account's administrators, not by this project.
        self.operator_policy = IamPolicy(
            self,
            "operator-policy",
            name=namer.name("operator-sessions"),
            description=f"Open Session Manager sessions on {environment_name}'s container instances only",
            policy=policy_document(
                Statement(
                    sid="StartSessionsOnThisEnvironmentsInstances",
                    actions=("ssm:StartSession",),
                    resources=(f"{arn}:ec2:{region}:{account}:instance/*",),
                    conditions={"StringEquals": {f"ssm:resourceTag/{ENVIRONMENT_TAG}": environment_name}},
                ),
                Statement(
                    sid="WithTheRecordedPreferences",
                    actions=("ssm:StartSession",),
                    resources=(f"{arn}:ssm:{region}:{account}:document/{SESSION_PREFERENCES}",),
                ),
                Statement(
                    sid="OwnSessionsOnly",
                    actions=("ssm:TerminateSession", "ssm:ResumeSession"),
                    resources=(f"{arn}:ssm:{region}:{account}:{OWN_SESSIONS}",),
                ),
                Statement(sid="EncryptSessionData", actions=("kms:GenerateDataKey",), resources=(kms_key_arn,)),
            ),
        )
