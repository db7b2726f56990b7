"""An Application Load Balancer, public or internal: HTTPS only (HTTP, where open, answers with a
301), a TLS 1.3 policy, invalid headers dropped, access logs, deletion protection, and an optional
test listener for blue-green deployments."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.lb import Lb
from cdktf_cdktf_provider_aws.lb_listener import (
    LbListener,
    LbListenerDefaultAction,
    LbListenerDefaultActionFixedResponse,
    LbListenerDefaultActionRedirect,
)
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup
from constructs import Construct

from hipaa_platform.config import LoadBalancer


class HttpsLoadBalancer(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        config: LoadBalancer,
        subnet_ids: Sequence[str],
        security_group_id: str,
        certificate_arn: str,
        access_log_bucket: str,
        deletion_protection: bool,
    ) -> None:
        super().__init__(scope, id)
        self.config = config
        self.lb = Lb(
            self,
            "this",
            name=name,
            load_balancer_type="application",
            internal=config.internal,
            idle_timeout=config.idle_timeout_seconds,
            subnets=list(subnet_ids),
            security_groups=[security_group_id],
            drop_invalid_header_fields=config.drop_invalid_header_fields,
            enable_deletion_protection=deletion_protection,
            access_logs={"bucket": access_log_bucket, "prefix": "alb", "enabled": True},
        )
        if config.http_redirect:
            LbListener(
                self,
                "http-redirect",
                load_balancer_arn=self.lb.arn,
                port=80,
                protocol="HTTP",
                default_action=[
                    LbListenerDefaultAction(
                        type="redirect",
                        redirect=LbListenerDefaultActionRedirect(port="443", protocol="HTTPS", status_code="HTTP_301"),
                    )
                ],
            )
        self.https = self._https_listener("https", 443, certificate_arn)
        self.test = (
            self._https_listener("test", config.test_listener_port, certificate_arn)
            if config.test_listener_port
            else None
        )
        self.arn = self.lb.arn
        self.arn_suffix = self.lb.arn_suffix
        self.dns_name = self.lb.dns_name
        # read once: every service's path rules name these listeners
        self.https_arn = self.https.arn
        self.test_arn = self.test.arn if self.test else None

    def _https_listener(self, id: str, port: int, certificate_arn: str) -> LbListener:
        """HTTPS with the configured policy; anything no service routes claims gets a 404."""
        return LbListener(
            self,
            id,
            load_balancer_arn=self.lb.arn,
            port=port,
            protocol="HTTPS",
            ssl_policy=self.config.ssl_policy,
            certificate_arn=certificate_arn,
            default_action=[
                LbListenerDefaultAction(
                    type="fixed-response",
                    fixed_response=LbListenerDefaultActionFixedResponse(
                        content_type="text/plain", message_body="Not found", status_code="404"
                    ),
                )
            ],
        )

    def target_group(self, id: str, *, name: str, port: int, vpc_id: str) -> LbTargetGroup:
        c = self.config
        return LbTargetGroup(
            self,
            id,
            name=name,
            port=port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=vpc_id,
            deregistration_delay=str(c.deregistration_delay_seconds),
            health_check={
                "path": c.health_check_path,
                "interval": c.health_check_interval_seconds,
                "timeout": c.health_check_timeout_seconds,
                "healthy_threshold": c.healthy_threshold,
                "unhealthy_threshold": c.unhealthy_threshold,
                "matcher": c.health_check_matcher,
            },
        )
