"""AWS Config for the account: a recorder of every supported resource type (global ones included),
its delivery channel into an encrypted Object Lock bucket kept as long as the trail's, and the HIPAA
conformance pack's rules as compliance/hipaa_pack.yaml lists them, each with the published pack's
parameters and scope, and the parameters the account states (the ports a security group may open to the internet, the
VPCs allowed an internet gateway). Built once per account, by its baseline; Security Hub's controls
read what it records. The emulator cannot create a conformance pack, so it takes the rules one by
one, each checked against moto's table of AWS's managed rules."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.config_config_rule import ConfigConfigRule
from cdktf_cdktf_provider_aws.config_configuration_recorder import ConfigConfigurationRecorder
from cdktf_cdktf_provider_aws.config_configuration_recorder_status import ConfigConfigurationRecorderStatus
from cdktf_cdktf_provider_aws.config_conformance_pack import ConfigConformancePack
from cdktf_cdktf_provider_aws.config_delivery_channel import ConfigDeliveryChannel
from constructs import Construct

from hipaa_platform.building.layer_stack import target_creates, target_creates_config_rule
from hipaa_platform.building.naming import Namer
from hipaa_platform.config import ObjectLock
from hipaa_platform.gate.compliance import conformance_pack_template, load_pack, pack_rule_definitions
from modules.shared.iam import Statement, policy_document
from modules.shared.role_policy import role_policy
from modules.shared.s3_bucket import SecureBucket
from modules.shared.service_role import service_role_with_aws_policy

EVIDENCE_DAYS = 2557  # 7 years, as the trail's log files


class ConfigurationRecording(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        namer: Namer,
        account: str,
        partition: str,
        kms_key_arn: str,
        authorized_tcp_ports: tuple[int, ...],
        authorized_vpc_ids: tuple[str, ...],
        access_logs: SecureBucket,
        force_destroy: bool,
    ) -> None:
        super().__init__(scope, id)
        self.bucket = SecureBucket(
            self,
            "bucket",
            bucket_name=namer.bucket("config", account),
            kms_key_arn=kms_key_arn,
            object_lock=ObjectLock(mode="COMPLIANCE", retention_days=EVIDENCE_DAYS),
            noncurrent_version_expiration_days=EVIDENCE_DAYS,
            force_destroy=force_destroy,
        )
        self.bucket.log_access_to(access_logs, source="config")
        # A role of its own (not the service-linked one): AWS Config then delivers with this role's
        # permissions, so the bucket and its key need no statement for the service.
        role = service_role_with_aws_policy(
            self,
            "role",
            "reads-configurations",
            name=namer.name("config-recorder"),
            description="AWS Config records the account's resources and delivers their history",
            service="config.amazonaws.com",
            account=account,
            partition=partition,
            aws_policy="service-role/AWS_ConfigRole",
        )
        role_policy(
            self,
            "delivery",
            name="deliver-configuration-history",
            role=role.name,
            policy=policy_document(
                Statement(
                    sid="FindTheBucket", actions=("s3:GetBucketAcl", "s3:ListBucket"), resources=(self.bucket.arn,)
                ),
                Statement(
                    sid="DeliverSnapshotsAndHistory",
                    actions=("s3:PutObject",),
                    resources=(f"{self.bucket.arn}/AWSLogs/{account}/Config/*",),
                ),
                Statement(
                    sid="EncryptDeliveries", actions=("kms:GenerateDataKey", "kms:Decrypt"), resources=(kms_key_arn,)
                ),
            ),
        )
        self.recorder = ConfigConfigurationRecorder(
            self,
            "recorder",
            name=namer.name("config-recorder"),
            role_arn=role.arn,
            recording_group={"all_supported": True, "include_global_resource_types": True},
        )
        channel = ConfigDeliveryChannel(
            self,
            "delivery-channel",
            name=namer.name("config-delivery"),
            s3_bucket_name=self.bucket.name,
            s3_kms_key_arn=kms_key_arn,
            snapshot_delivery_properties={"delivery_frequency": "TwentyFour_Hours"},
            depends_on=[self.recorder],
        )
        status = ConfigConfigurationRecorderStatus(
            self, "recording", name=self.recorder.name, is_enabled=True, depends_on=[channel]
        )
        pack = load_pack()
        stated = {"authorized_tcp_ports": authorized_tcp_ports, "authorized_vpc_ids": authorized_vpc_ids}
        if target_creates(self, ("aws_config_conformance_pack", "the HIPAA conformance pack")):
            ConfigConformancePack(
                self,
                "hipaa-pack",
                name=namer.name("hipaa-security"),
                template_body=conformance_pack_template(pack, **stated),
                depends_on=[status],
            )
            return
        for rule in pack_rule_definitions(pack, **stated):
            if target_creates_config_rule(self, rule.name, rule.identifier):
                ConfigConfigRule(
                    self,
                    f"rule-{rule.name}",
                    name=rule.name,
                    source={"owner": "AWS", "source_identifier": rule.identifier},
                    input_parameters=json.dumps(rule.parameters) if rule.parameters else None,
                    scope={"compliance_resource_types": list(rule.scope)} if rule.scope else None,
                    depends_on=[status],
                )
