"""Account-level threat detection: a GuardDuty detector with S3 and RDS protection (and, where asked,
Runtime Monitoring of Fargate tasks and of EC2 instances through GuardDuty's managed agents), and Security
Hub with the AWS Foundational Security Best Practices and NIST 800-53 standards."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.guardduty_detector import GuarddutyDetector
from cdktf_cdktf_provider_aws.guardduty_detector_feature import GuarddutyDetectorFeature
from cdktf_cdktf_provider_aws.securityhub_account import SecurityhubAccount
from cdktf_cdktf_provider_aws.securityhub_standards_subscription import SecurityhubStandardsSubscription
from constructs import Construct

from hipaa_platform.building.layer_stack import target_creates
from hipaa_platform.gate.acceptances import accept_finding

GUARDDUTY_FEATURES = ("S3_DATA_EVENTS", "RDS_LOGIN_EVENTS")
SECURITY_HUB_STANDARDS = ("aws-foundational-security-best-practices/v/1.0.0", "nist-800-53/v/5.0.0")


class GuardDuty(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        fargate_runtime_monitoring: bool = False,
        ec2_runtime_monitoring: bool = False,
    ) -> None:
        """`fargate_runtime_monitoring`: GuardDuty manages its security agent in every Fargate task;
        `ec2_runtime_monitoring`: on every EC2 instance, through Systems Manager."""
        super().__init__(scope, id)
        self.detector = GuarddutyDetector(self, "detector", enable=True, finding_publishing_frequency="FIFTEEN_MINUTES")
        accept_finding(
            self.detector,
            "CKV2_AWS_3",
            "The platform owns one account in one region and enables the detector there; organization-wide "
            "GuardDuty is configured from the organization's management account, outside this project.",
        )
        features = target_creates(self, ("aws_guardduty_detector_feature", "GuardDuty S3 and RDS protection features"))
        for feature in GUARDDUTY_FEATURES if features else ():
            GuarddutyDetectorFeature(
                self, feature.lower(), detector_id=self.detector.id, name=feature, status="ENABLED"
            )
        if features and (fargate_runtime_monitoring or ec2_runtime_monitoring):
            GuarddutyDetectorFeature(
                self,
                "runtime_monitoring",
                detector_id=self.detector.id,
                name="RUNTIME_MONITORING",
                status="ENABLED",
                additional_configuration=[
                    {"name": "ECS_FARGATE_AGENT_MANAGEMENT", "status": enabled(fargate_runtime_monitoring)},
                    {"name": "EKS_ADDON_MANAGEMENT", "status": "DISABLED"},  # the platform runs no EKS
                    {"name": "EC2_AGENT_MANAGEMENT", "status": enabled(ec2_runtime_monitoring)},
                ],
            )


def enabled(on: bool) -> str:
    return "ENABLED" if on else "DISABLED"


class SecurityHub(Construct):
    def __init__(self, scope: Construct, id: str, *, partition: str, region: str) -> None:
        super().__init__(scope, id)
        account = SecurityhubAccount(self, "account", enable_default_standards=False, auto_enable_controls=True)
        for standard in SECURITY_HUB_STANDARDS:
            SecurityhubStandardsSubscription(
                self,
                standard.split("/")[0],
                standards_arn=f"arn:{partition}:securityhub:{region}::standards/{standard}",
                depends_on=[account],
            )
