"""Synthesis: the six layer stacks of one environment to Terraform JSON, their addresses, the cache,
the jsii runtime.
"""
