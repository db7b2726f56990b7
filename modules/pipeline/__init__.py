"""Constructs the pipeline layer builds."""
