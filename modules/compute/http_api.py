"""A Regional API Gateway HTTP API in front of an internal load balancer: a VPC link into the
private subnets, TLS to the load balancer, IAM-signed requests only, throttling and access logs."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cdktf_cdktf_provider_aws.apigatewayv2_api import Apigatewayv2Api
from cdktf_cdktf_provider_aws.apigatewayv2_integration import Apigatewayv2Integration
from cdktf_cdktf_provider_aws.apigatewayv2_route import Apigatewayv2Route
from cdktf_cdktf_provider_aws.apigatewayv2_stage import Apigatewayv2Stage
from cdktf_cdktf_provider_aws.apigatewayv2_vpc_link import Apigatewayv2VpcLink
from constructs import Construct

from hipaa_platform.config import ApiGateway
from hipaa_platform.gate.acceptances import accept_finding
from modules.shared.log_group import EncryptedLogGroup

ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "caller": "$context.identity.caller",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "integrationStatus": "$context.integrationStatus",
    "integrationLatency": "$context.integrationLatency",
}


NO_EXECUTION_LOGS = (
    "An HTTP API has no execution logs: API Gateway offers logging levels to REST and WebSocket APIs only. "
    "This stage writes an access log of every request to its encrypted log group instead, with the caller, "
    "route, status and integration status."
)


class HttpApiToLoadBalancer(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        config: ApiGateway,
        listener_arn: str,
        server_name: str,
        subnet_ids: Sequence[str],
        security_group_id: str,
        log_key_arn: str,
        log_group_name: str,
    ) -> None:
        super().__init__(scope, id)
        link = Apigatewayv2VpcLink(
            self, "vpc-link", name=name, subnet_ids=list(subnet_ids), security_group_ids=[security_group_id]
        )
        self.api = Apigatewayv2Api(
            self,
            "this",
            name=name,
            protocol_type="HTTP",
            description="Regional entry point for facility systems (HL7/FHIR); forwards to the internal ALB",
        )
        integration = Apigatewayv2Integration(
            self,
            "alb",
            api_id=self.api.id,
            integration_type="HTTP_PROXY",
            integration_method="ANY",
            integration_uri=listener_arn,
            connection_type="VPC_LINK",
            connection_id=link.id,
            # The load balancer's certificate names this host; API Gateway verifies it.
            tls_config={"server_name_to_verify": server_name},
            payload_format_version="1.0",
        )
        Apigatewayv2Route(
            self,
            "proxy",
            api_id=self.api.id,
            route_key="ANY /{proxy+}",
            target=f"integrations/{integration.id}",
            authorization_type="AWS_IAM",
        )
        logs = EncryptedLogGroup(
            self, "access-logs", name=log_group_name, retention_days=config.log_retention_days, kms_key_arn=log_key_arn
        )
        stage = Apigatewayv2Stage(
            self,
            "default",
            api_id=self.api.id,
            name="$default",
            auto_deploy=True,
            access_log_settings={"destination_arn": logs.arn, "format": json.dumps(ACCESS_LOG_FORMAT)},
            default_route_settings={
                "throttling_rate_limit": config.throttle_rate_per_second,
                "throttling_burst_limit": config.throttle_burst,
                "detailed_metrics_enabled": True,
            },
        )
        accept_finding(stage, "CKV_HIPAA_25", NO_EXECUTION_LOGS)
        self.endpoint = self.api.api_endpoint
