"""Constructs the security layer builds."""
