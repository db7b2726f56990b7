"""Layer contracts: the named, described outputs a layer publishes and its downstream layers read.

A contract is a frozen dataclass per layer. The publishing layer fills it with its resources'
attributes; a downstream layer gets the same dataclass back, filled with reads of the upstream
layer's remote state. Nothing crosses layers any other way.

Per-item values (one per service, key purpose, secret, queue ...) are maps keyed by the item's
name in the environment file and read by that name (`contract.task_role_arns[service.name]`),
never by position: reordering a list in the environment file and deploying one layer alone must
not hand one service another service's role. Lists remain only for sets used whole (the subnets
of a tier).
"""

from hipaa_platform.contracts.base import KeyedOutput, LayerOutputs, by_name, described, publish, read
from hipaa_platform.contracts.compute import SPA, TEST_LISTENER, ComputeOutputs
from hipaa_platform.contracts.data import DataOutputs
from hipaa_platform.contracts.networking import NetworkingOutputs
from hipaa_platform.contracts.observability import CRITICAL, ObservabilityOutputs
from hipaa_platform.contracts.pipeline import GITHUB, PipelineOutputs
from hipaa_platform.contracts.security import API_GATEWAY, EC2_CAPACITY, LOAD_BALANCER, SecurityOutputs, key_arn

__all__ = [
    "API_GATEWAY",
    "CRITICAL",
    "EC2_CAPACITY",
    "GITHUB",
    "LOAD_BALANCER",
    "SPA",
    "TEST_LISTENER",
    "ComputeOutputs",
    "DataOutputs",
    "KeyedOutput",
    "LayerOutputs",
    "NetworkingOutputs",
    "ObservabilityOutputs",
    "PipelineOutputs",
    "SecurityOutputs",
    "by_name",
    "described",
    "key_arn",
    "publish",
    "read",
]
