"""Layer 6: alarms on encrypted SNS topics, dashboards, the monthly budget where configured, and
for the full shape per-service composite alarms, X-Ray sampling and log metric filters."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.cloudwatch_log_metric_filter import CloudwatchLogMetricFilter
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from hipaa_platform.building.layer_stack import BuildContext, LayerStack
from hipaa_platform.contracts import by_name
from hipaa_platform.contracts.compute import ComputeOutputs
from hipaa_platform.contracts.data import DataOutputs
from hipaa_platform.contracts.observability import CRITICAL, ObservabilityOutputs
from hipaa_platform.contracts.security import SecurityOutputs
from modules.observability.alarms import database_dimensions, platform_alarms
from modules.observability.budget import monthly_budget
from modules.observability.dashboards import alarm_panel, dashboard, dashboard_panels
from modules.observability.service_health import service_health_alarms
from modules.observability.threat_alerts import GuardDutyFindingAlerts
from modules.observability.xray_sampling import xray_sampling
from modules.shared.metric_alarm import Notify, metric_alarm


class ObservabilityLayer(LayerStack):
    LAYER = "observability"

    def __init__(self, scope: Construct, context: BuildContext) -> None:
        super().__init__(scope, context)
        env = self.environment
        obs = env.observability
        security = self.read(SecurityOutputs)
        data = self.read(DataOutputs)
        compute = self.read(ComputeOutputs)

        topic = SnsTopic(self, "alarms", name=self.namer.name("alarms"), kms_master_key_id=security.kms_key_arn)
        alarm_topic_arn = topic.arn  # read once: each read of a resource attribute is a jsii round trip
        SnsTopicSubscription(
            self, "alarms-email", topic_arn=alarm_topic_arn, protocol="email", endpoint=obs.alarm_email
        )
        if obs.guardduty_alerts:
            GuardDutyFindingAlerts(
                self,
                "guardduty-alerts",
                name=self.namer.name("guardduty-findings"),
                config=obs.guardduty_alerts,
                topic_arn=alarm_topic_arn,
                account=DataAwsCallerIdentity(self, "account").account_id,
            )
        alarms = platform_alarms(env, compute, data, self.namer)
        notify = Notify.topic(alarm_topic_arn)
        for spec in alarms:
            metric_alarm(self, f"alarm-{spec.id}", name=self.namer.name(spec.id), spec=spec, notify=notify)

        overview = dashboard(
            self,
            "dashboard",
            name=env.observability.dashboard_name or self.namer.name("platform"),
            panels=[alarm_panel(a) for a in alarms],
            region=env.region,
        )
        more_dashboards = {
            kind: dashboard(self, f"dashboard-{kind}", name=self.namer.name(kind), panels=panels, region=env.region)
            for kind, panels in dashboard_panels(
                env, compute, data, database_dimensions(env.data, data), self.namer
            ).items()
        }

        critical = {}
        if obs.service_alarms:
            critical[CRITICAL] = service_health_alarms(
                self,
                services=env.compute.services,
                observability=obs,
                compute=compute,
                namer=self.namer,
                kms_key_arn=security.kms_key_arn,
            )
        if obs.xray_sampling and self.creates_all(
            ("aws_xray_sampling_rule", "baseline and 5xx sampling rules"),
            ("aws_xray_group", "slow-request group"),
        ):
            xray_sampling(self, config=obs.xray_sampling, namer=self.namer)
        self._log_metric_filters(compute)
        if obs.budget and self.creates("aws_budgets_budget", "monthly cost budget"):
            monthly_budget(self, obs=obs, namer=self.namer)

        self.publish(
            ObservabilityOutputs(
                alarm_topic_arn=alarm_topic_arn,
                dashboard_name=overview.dashboard_name,
                dashboard_names={kind: d.dashboard_name for kind, d in more_dashboards.items()},
                critical_topic_arns={key: t.arn for key, t in critical.items()},
            )
        )

    def _log_metric_filters(self, compute: ComputeOutputs) -> None:
        """Each configured pattern counted in each service's log group, as a metric of the application."""
        env = self.environment
        for spec in by_name(env.compute.services):
            for metric_filter in env.observability.metric_filters:
                CloudwatchLogMetricFilter(
                    self,
                    f"filter-{spec.container_name}-{metric_filter.name}",
                    name=f"{spec.container_name}-{metric_filter.name}",
                    log_group_name=compute.log_group_names[spec.name],
                    pattern=metric_filter.pattern,
                    metric_transformation={
                        "name": f"{spec.container_name}-{metric_filter.name}",
                        "namespace": env.application,
                        "value": "1",
                        "default_value": "0",
                    },
                )
