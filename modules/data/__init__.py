"""Constructs the data layer builds."""
