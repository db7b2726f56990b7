"""Constructs shared by several layers."""
