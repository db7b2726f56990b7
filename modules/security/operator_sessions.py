"""Session Manager on the container instances: the instances may write the records of their sessions
into the account's session log group, and an operator policy opens sessions on this environment's
instances only. The session preferences (encryption, recording) are the account baseline's
(`modules/security/session_preferences.py`)."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from constructs import Construct

from hipaa_platform.building.naming import Namer
from hipaa_platform.building.tagging import ENVIRONMENT_TAG
from modules.security.session_preferences import SESSION_PREFERENCES
from modules.shared.iam import Statement, policy_document
from modules.shared.role_policy import role_policy

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
        session_log_group_name: str,
        session_key_arn: str,
        account: str,
        partition: str,
        region: str,
    ) -> None:
        """`session_log_group_name`, `session_key_arn`: where the account's preferences record sessions."""
        super().__init__(scope, id)
        kms_key_arn = session_key_arn  # the account baseline's evidence key
        log_group_arn = f"arn:{partition}:logs:{region}:{account}:log-group:{session_log_group_name}"
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
                    resources=(f"{log_group_arn}:*",),
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
