"""The account's Session Manager preferences, as an auditor wants them: the regional
`SSM-SessionManagerRunShell` document, which `aws ssm start-session` uses when no other document is
named, encrypts every session with the baseline's evidence key and streams it to an encrypted log
group kept as long as the other audit logs. One per account and region: the account baseline's."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.ssm_document import SsmDocument
from constructs import Construct

from hipaa_platform.building.naming import Namer
from modules.shared.log_group import EncryptedLogGroup

SESSION_PREFERENCES = "SSM-SessionManagerRunShell"


def session_log_group_name(namer: Namer) -> str:
    """The group the account's sessions stream to; a stage's instance role writes it by this name."""
    return namer.log_group("ssm-sessions")


class SessionPreferences(Construct):
    def __init__(
        self, scope: Construct, id: str, *, namer: Namer, account_name: str, kms_key_arn: str, retention_days: int
    ) -> None:
        super().__init__(scope, id)
        logs = EncryptedLogGroup(
            self, "logs", name=session_log_group_name(namer), retention_days=retention_days, kms_key_arn=kms_key_arn
        )
        self.document = SsmDocument(
            self,
            "document",
            name=SESSION_PREFERENCES,
            document_type="Session",
            document_format="JSON",
            content=json.dumps(
                {
                    "schemaVersion": "1.0",
                    "description": f"Session Manager preferences of account {account_name}: encrypted, recorded",
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
