"""Constructs the compute layer builds."""
