"""The six layers, in deployment order. Each module builds exactly one TerraformStack."""

from layers.compute import ComputeLayer
from layers.data import DataLayer
from layers.networking import NetworkingLayer
from layers.observability import ObservabilityLayer
from layers.pipeline import PipelineLayer
from layers.security import SecurityLayer

LAYER_CLASSES = (NetworkingLayer, SecurityLayer, DataLayer, ComputeLayer, PipelineLayer, ObservabilityLayer)
