"""Messaging building blocks: an SQS queue with its own dead-letter queue, and an EventBridge bus
with an archive and a rule that forwards to an SNS topic, with a DLQ for failed deliveries."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.cloudwatch_event_archive import CloudwatchEventArchive
from cdktf_cdktf_provider_aws.cloudwatch_event_bus import CloudwatchEventBus
from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import CloudwatchEventTarget
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy
from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
from cdktf_cdktf_provider_aws.sqs_queue_policy import SqsQueuePolicy
from cdktf_cdktf_provider_aws.sqs_queue_redrive_allow_policy import SqsQueueRedriveAllowPolicy
from constructs import Construct

from hipaa_platform.building.layer_stack import target_creates
from hipaa_platform.config import EventBus, Queue
from modules.shared.iam import Statement, policy_document, topic_owner_manages

DLQ_RETENTION_SECONDS = 14 * 24 * 3600


class QueueWithDeadLetters(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        config: Queue,
        kms_key_arn: str,
    ) -> None:
        super().__init__(scope, id)
        suffix = ".fifo" if config.fifo else ""
        fifo = (
            {"fifo_queue": True, "content_based_deduplication": config.content_based_deduplication}
            if config.fifo
            else {}
        )
        self.dead_letters = SqsQueue(
            self,
            "dlq",
            name=f"{name}-dlq{suffix}",
            kms_master_key_id=kms_key_arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=DLQ_RETENTION_SECONDS,
            **fifo,
        )
        self.queue = SqsQueue(
            self,
            "this",
            name=f"{name}{suffix}",
            kms_master_key_id=kms_key_arn,
            kms_data_key_reuse_period_seconds=300,
            visibility_timeout_seconds=config.visibility_timeout_seconds,
            message_retention_seconds=config.retention_days * 24 * 3600,
            redrive_policy=json.dumps(
                {"deadLetterTargetArn": self.dead_letters.arn, "maxReceiveCount": config.max_receive_count}
            ),
            **fifo,
        )
        # Only this queue may use the dead-letter queue.
        if target_creates(
            self, ("aws_sqs_queue_redrive_allow_policy", f"{config.name} dead-letter source restriction")
        ):
            SqsQueueRedriveAllowPolicy(
                self,
                "dlq-sources",
                queue_url=self.dead_letters.url,
                redrive_allow_policy=json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [self.queue.arn]}),
            )
        self.name = self.queue.name
        self.arn = self.queue.arn


class EventBusWithArchive(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        config: EventBus,
        topic: SnsTopic,
        kms_key_arn: str,
        account: str,
    ) -> None:
        super().__init__(scope, id)
        self.bus = CloudwatchEventBus(self, "this", name=name)
        CloudwatchEventArchive(
            self,
            "archive",
            name=f"{name}-archive",
            description=f"Replay window of {config.archive_retention_days} days",
            event_source_arn=self.bus.arn,
            retention_days=config.archive_retention_days,
        )
        rule = CloudwatchEventRule(
            self,
            "forward",
            name=f"{name}-to-{config.forward_to_topic}",
            description=f"Forward events from {', '.join(config.forward_sources)} to {config.forward_to_topic}",
            event_bus_name=self.bus.name,
            event_pattern=json.dumps({"source": list(config.forward_sources)}),
        )
        self.dead_letters = SqsQueue(
            self,
            "dlq",
            name=f"{name}-delivery-dlq",
            kms_master_key_id=kms_key_arn,
            kms_data_key_reuse_period_seconds=300,
            message_retention_seconds=DLQ_RETENTION_SECONDS,
        )
        from_rule = {"ArnEquals": {"aws:SourceArn": rule.arn}}
        SqsQueuePolicy(
            self,
            "dlq-policy",
            queue_url=self.dead_letters.url,
            policy=policy_document(
                Statement(
                    sid="EventBridgeParksFailedDeliveries",
                    principals={"Service": "events.amazonaws.com"},
                    actions=("sqs:SendMessage",),
                    resources=(self.dead_letters.arn,),
                    conditions=from_rule,
                )
            ),
        )
        SnsTopicPolicy(
            self,
            "topic-policy",
            arn=topic.arn,
            policy=policy_document(
                topic_owner_manages(account, topic.arn),
                Statement(
                    sid="EventBridgeForwards",
                    principals={"Service": "events.amazonaws.com"},
                    actions=("sns:Publish",),
                    resources=(topic.arn,),
                    conditions=from_rule,
                ),
            ),
        )
        CloudwatchEventTarget(
            self,
            "forward-target",
            rule=rule.name,
            event_bus_name=self.bus.name,
            arn=topic.arn,
            dead_letter_config={"arn": self.dead_letters.arn},
            retry_policy={"maximum_retry_attempts": 185, "maximum_event_age_in_seconds": 86400},
        )
        self.name = self.bus.name
        self.arn = self.bus.arn
