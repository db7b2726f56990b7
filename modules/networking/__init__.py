"""Constructs the networking layer builds."""
