"""GuardDuty findings at or above a severity, sent by an EventBridge rule to an SNS topic (the
alarm topic, whose subscribers are paged like for any alarm)."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import CloudwatchEventTarget
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy
from constructs import Construct

from hipaa_platform.config import GuardDutyAlerts
from modules.shared.iam import policy_document, service_publishes, topic_owner_manages


class GuardDutyFindingAlerts(Construct):
    def __init__(
        self, scope: Construct, id: str, *, name: str, config: GuardDutyAlerts, topic_arn: str, account: str
    ) -> None:
        super().__init__(scope, id)
        rule = CloudwatchEventRule(
            self,
            "rule",
            name=name,
            description=f"GuardDuty findings of severity {config.min_severity:g} or more",
            event_pattern=json.dumps(
                {
                    "source": ["aws.guardduty"],
                    "detail-type": ["GuardDuty Finding"],
                    "detail": {"severity": [{"numeric": [">=", config.min_severity]}]},
                }
            ),
        )
        CloudwatchEventTarget(self, "to-topic", rule=rule.name, arn=topic_arn, target_id="alarm-topic")
        # A topic policy replaces the default one: the account administers the topic, CloudWatch alarms
        # of the account keep publishing, and EventBridge publishes for this rule only.
        SnsTopicPolicy(
            self,
            "topic-policy",
            arn=topic_arn,
            policy=policy_document(
                topic_owner_manages(account, topic_arn),
                service_publishes(
                    "CloudWatchAlarmsPublish",
                    "cloudwatch.amazonaws.com",
                    topic_arn,
                    {"StringEquals": {"aws:SourceAccount": account}},
                ),
                service_publishes(
                    "GuardDutyFindingsRulePublishes",
                    "events.amazonaws.com",
                    topic_arn,
                    {"ArnEquals": {"aws:SourceArn": rule.arn}},
                ),
            ),
        )
