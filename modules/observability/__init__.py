"""Constructs the observability layer builds."""
