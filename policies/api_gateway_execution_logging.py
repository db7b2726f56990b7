"""CKV_HIPAA_25: API Gateway writes execution logs at ERROR or INFO.

HIPAA 164.312(b) audit controls: execution logs record how API Gateway handled each request
(authorization, integration errors), beside the access log of who called what. The conformance
pack's api-gw-execution-logging-enabled reads a REST stage's method settings and a WebSocket or
HTTP stage's default route settings. This check reads `aws_apigatewayv2_stage` and
`aws_api_gateway_method_settings`; API Gateway offers logging levels to REST and WebSocket APIs
only, so an HTTP API's stage fails and its finding is accepted next to it with its reason.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.parsed import value

LOGGING_LEVELS = ("ERROR", "INFO")


def _block(conf: dict[str, Any], name: str) -> dict[str, Any]:
    block = value(conf.get(name))
    return block if isinstance(block, dict) else {}


class ApiGatewayExecutionLogging(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure API Gateway writes execution logs at ERROR or INFO",
            id="CKV_HIPAA_25",
            categories=(CheckCategories.LOGGING,),
            supported_resources=("aws_apigatewayv2_stage", "aws_api_gateway_method_settings"),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        settings = "default_route_settings" if self.entity_type == "aws_apigatewayv2_stage" else "settings"
        level = str(value(_block(conf, settings).get("logging_level")) or "").upper()
        return CheckResult.PASSED if level in LOGGING_LEVELS else CheckResult.FAILED


check = ApiGatewayExecutionLogging()
