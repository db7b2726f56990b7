"""The checkov gate: accepted findings, the scan, the HIPAA conformance report, the stateful types the
plan guard protects.
"""
